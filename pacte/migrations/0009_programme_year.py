"""ProgrammeYear moves from the participants app to the foundation (#18): state only, the
table `participants_programmeyear` stays as it is, with its rows and constraints."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("pacte", "0008_access_log_protected"),
        ("participants", "0015_status_change_by_the_system"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="ProgrammeYear",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "year",
                            models.PositiveSmallIntegerField(
                                validators=[
                                    django.core.validators.MinValueValidator(2010),
                                    django.core.validators.MaxValueValidator(2100),
                                ],
                                verbose_name="année",
                            ),
                        ),
                        (
                            "criteria",
                            models.CharField(
                                choices=[
                                    (
                                        "prison_leavers",
                                        "Depuis 2018 : 16–25 ans, sans emploi ni diplôme, "
                                        "sortant de prison en aménagement de peine",
                                    ),
                                    (
                                        "drop_out",
                                        "Jusqu’en 2017 : décrochage scolaire et chômage",
                                    ),
                                ],
                                max_length=20,
                                verbose_name="critères d’éligibilité",
                            ),
                        ),
                        (
                            "target_participants",
                            models.PositiveIntegerField(
                                default=100,
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(10000),
                                ],
                                verbose_name="objectif de jeunes suivis",
                            ),
                        ),
                        (
                            "target_events",
                            models.PositiveIntegerField(
                                default=3,
                                validators=[
                                    django.core.validators.MinValueValidator(1),
                                    django.core.validators.MaxValueValidator(100),
                                ],
                                verbose_name="objectif de Café-métiers",
                            ),
                        ),
                        (
                            "closed_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="close le"),
                        ),
                        (
                            "territory",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="programme_years",
                                to="pacte.territory",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "année du programme",
                        "verbose_name_plural": "années du programme",
                        "db_table": "participants_programmeyear",
                        "ordering": ["territory__code", "-year"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("territory", "year"), name="programme_year_unique"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("year__gte", 2010), ("year__lte", 2100)),
                                name="programme_year_year_bounded",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("target_events__gte", 1),
                                    ("target_events__lte", 100),
                                    ("target_participants__gte", 1),
                                    ("target_participants__lte", 10000),
                                ),
                                name="programme_year_targets_bounded",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
