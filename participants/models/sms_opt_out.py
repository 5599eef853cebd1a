"""A number that refused SMS (#19 item 5): STOP answered to an SMS, « Ne plus recevoir de
SMS » on the personal page, or recorded by the counsellor. No SMS goes to it any more
(events.notifications); lifting it takes the young person's agreement, and is logged."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class OptOutSource(models.TextChoices):
    SMS_REPLY = "sms_reply", _("Réponse STOP à un SMS")
    PAGE = "page", _("Sur sa page personnelle")
    COUNSELLOR = "counsellor", _("Enregistré par le conseiller ou la conseillère")


class SmsOptOut(models.Model):
    phone = models.CharField(_("téléphone"), max_length=20, unique=True)
    source = models.CharField(_("origine"), max_length=12, choices=OptOutSource.choices)
    at = models.DateTimeField(_("refusés le"), auto_now_add=True)
    # The file it was recorded for (the personal data registry, the right of access); a
    # number shared by several files refuses for all of them.
    participant = models.ForeignKey(
        "participants.Participant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sms_opt_outs",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("refus des SMS")
        verbose_name_plural = _("refus des SMS")

    def __str__(self):
        return f"{self.phone} ({self.get_source_display()})"
