"""Commitments point to the programme year now in the foundation (state only, #18)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("partners", "0002_bounded_inputs"),
        ("pacte", "0009_programme_year"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="commitment",
                    name="programme_year",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="pacte.programmeyear",
                        verbose_name="année du programme",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcommitment",
                    name="programme_year",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="pacte.programmeyear",
                        verbose_name="année du programme",
                    ),
                ),
            ],
        ),
    ]
