from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pacte.models import Territory  # noqa: I001 - loaded by pacte.models


class Criteria(models.TextChoices):
    PRISON_LEAVERS = (
        "prison_leavers",
        _(
            "Depuis 2018 : 16–25 ans, sans emploi ni diplôme, "
            "sortant de prison en aménagement de peine"
        ),
    )
    DROP_OUT = "drop_out", _("Jusqu’en 2017 : décrochage scolaire et chômage")


# Bounds of what a coordinator types: a calendar year of the programme and its targets.
FIRST_YEAR, LAST_YEAR = 2010, 2100
MAX_TARGET_PARTICIPANTS = 10_000
MAX_TARGET_EVENTS = 100


class ProgrammeYearQuerySet(models.QuerySet):
    def of_territory(self, territory_id):
        return self.filter(territory_id=territory_id)

    def open(self):
        return self.filter(closed_at__isnull=True)


class ProgrammeYear(models.Model):
    """A cohort: one calendar year of the programme in one territory, its criteria and
    targets. A coordinator opens it, and closes it once its enrolments are over: a closed
    year takes no enrolment."""

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="programme_years"
    )
    year = models.PositiveSmallIntegerField(
        _("année"), validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)]
    )
    criteria = models.CharField(
        _("critères d’éligibilité"), max_length=20, choices=Criteria.choices
    )
    target_participants = models.PositiveIntegerField(
        _("objectif de jeunes suivis"),
        default=100,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_PARTICIPANTS)],
    )
    target_events = models.PositiveIntegerField(
        _("objectif de Café-métiers"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TARGET_EVENTS)],
    )
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)

    objects = ProgrammeYearQuerySet.as_manager()

    class Meta:
        # Created by the participants app, moved here with its table (state-only
        # migrations pacte 0009, participants 0016, partners 0003).
        db_table = "participants_programmeyear"
        verbose_name = _("année du programme")
        verbose_name_plural = _("années du programme")
        ordering = ["territory__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "year"], name="programme_year_unique"),
            models.CheckConstraint(
                condition=Q(year__gte=FIRST_YEAR, year__lte=LAST_YEAR),
                name="programme_year_year_bounded",
            ),
            models.CheckConstraint(
                condition=Q(
                    target_participants__gte=1,
                    target_participants__lte=MAX_TARGET_PARTICIPANTS,
                    target_events__gte=1,
                    target_events__lte=MAX_TARGET_EVENTS,
                ),
                name="programme_year_targets_bounded",
            ),
        ]

    def __str__(self):
        return str(self.year)

    @property
    def is_open(self) -> bool:
        return self.closed_at is None
