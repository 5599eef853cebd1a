from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pacte.bounds import (
    DATE_VALIDATORS,
    TEXT_MAX,
    date_constraint,
    text_constraint,
    text_validators,
)
from participants.models.choices import JusticeKind
from participants.models.participant import Participant


class JusticeMeasure(models.Model):
    """The sentence adjustment, kept apart from the file: only some roles may read it."""

    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="justice_measures"
    )
    kind = models.CharField(_("mesure"), max_length=30, choices=JusticeKind.choices)
    starts_on = models.DateField(_("début"), validators=DATE_VALIDATORS)
    ends_on = models.DateField(_("fin"), validators=DATE_VALIDATORS)
    spip_counsellor = models.CharField(
        _("conseiller ou conseillère SPIP"), max_length=200, blank=True
    )
    out_from = models.TimeField(_("sortie autorisée à partir de"), null=True, blank=True)
    out_until = models.TimeField(_("retour obligatoire à"), null=True, blank=True)
    notes = models.TextField(
        _("observations"), blank=True, max_length=TEXT_MAX, validators=text_validators()
    )
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    # Who changed what, and when (simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mesure de justice")
        verbose_name_plural = _("mesures de justice")
        ordering = ["-ends_on", "-pk"]
        # "Ends within 60 days" (needs attention) looks measures up by their end date.
        indexes = [models.Index(fields=["ends_on", "participant"], name="justice_by_end")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="justice_measure_ends_after_start",
            ),
            date_constraint("justicemeasure", "starts_on", "ends_on"),
            text_constraint("justicemeasure", "notes"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} jusqu’au {self.ends_on:%d/%m/%Y}"
