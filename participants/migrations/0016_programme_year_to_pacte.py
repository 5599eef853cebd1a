"""ProgrammeYear now belongs to the foundation (pacte 0009): the files point to it there,
and this app forgets the model. State only: no table changes (#18)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("participants", "0015_status_change_by_the_system"),
        ("pacte", "0009_programme_year"),
        ("partners", "0003_programme_year_in_pacte"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name="participant",
                    name="programme_year",
                    field=models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="participants",
                        to="pacte.programmeyear",
                        verbose_name="année du programme",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalparticipant",
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
                migrations.DeleteModel(name="ProgrammeYear"),
            ],
        ),
    ]
