from django.db import models
from django.utils.translation import gettext_lazy as _

from pacte.models import Territory


class Criteria(models.TextChoices):
    PRISON_LEAVERS = (
        "prison_leavers",
        _(
            "Depuis 2018 : 16–25 ans, sans emploi ni diplôme, "
            "sortant de prison en aménagement de peine"
        ),
    )
    DROP_OUT = "drop_out", _("Jusqu’en 2017 : décrochage scolaire et chômage")


class ProgrammeYear(models.Model):
    """A cohort: one year of the programme in one territory, its criteria and target."""

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="programme_years"
    )
    year = models.PositiveSmallIntegerField(_("année"))
    criteria = models.CharField(
        _("critères d’éligibilité"), max_length=20, choices=Criteria.choices
    )
    target_participants = models.PositiveIntegerField(_("objectif de jeunes suivis"), default=100)
    target_events = models.PositiveIntegerField(_("objectif de Café-métiers"), default=3)

    class Meta:
        verbose_name = _("année du programme")
        verbose_name_plural = _("années du programme")
        ordering = ["territory__code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "year"], name="programme_year_unique")
        ]

    def __str__(self):
        return str(self.year)
