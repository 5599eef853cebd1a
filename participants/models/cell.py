"""The Cellule Emploi: its meetings, the cases on their agenda and the decisions taken."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pacte.bounds import (
    DATE_VALIDATORS,
    TEXT_MAX,
    date_constraint,
    text_constraint,
    text_validators,
)
from pacte.models import Territory
from participants.models.participant import Participant
from participants.models.tracking import PlanAction, Task
from participants.permissions import CELL_READERS


class AgendaReason(models.TextChoices):
    NEW_REFERRAL = "new_referral", _("Nouvelle orientation")
    NO_RECENT_FOLLOW_UP = "stale", _("Pas de suivi depuis 30 jours")
    JUSTICE_ENDING = "justice_ending", _("Fin de mesure de justice proche")
    CHECK_DUE = "check_due", _("Vérification de sortie due")
    ADDED = "added", _("Ajouté par le pilote")


class CellMeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The coordinators and the pilot of the territory; nobody else."""
        return self.filter(CELL_READERS.q(user))


class CellMeeting(models.Model):
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("date"), validators=DATE_VALIDATORS)
    starts_at = models.TimeField(_("heure"), null=True, blank=True)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    pilot = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("pilote"),
    )
    attendees = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name=_("participants")
    )
    other_attendees = models.CharField(
        _("autres participants"),
        max_length=500,
        blank=True,
        help_text=_("Personnes sans compte : nom et structure, séparés par des virgules."),
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CellMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("réunion de la Cellule Emploi")
        verbose_name_plural = _("réunions de la Cellule Emploi")
        ordering = ["-held_on", "-pk"]
        constraints = [date_constraint("cellmeeting", "held_on")]

    def __str__(self):
        return _("Cellule Emploi du %(d)s") % {"d": self.held_on.strftime("%d/%m/%Y")}

    @property
    def is_closed(self):
        return self.closed_at is not None


class AgendaItem(models.Model):
    """One case on a meeting's agenda, and what the Cellule decided for it."""

    meeting = models.ForeignKey(CellMeeting, on_delete=models.CASCADE, related_name="items")
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="agenda_items"
    )
    position = models.PositiveIntegerField(default=0)
    reasons = models.JSONField(default=list)
    withdrawn = models.BooleanField(default=False)
    decision = models.TextField(
        _("décision"), blank=True, max_length=TEXT_MAX, validators=text_validators()
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    task = models.OneToOneField(
        Task, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_item"
    )
    plan_action = models.OneToOneField(
        PlanAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="agenda_item"
    )

    class Meta:
        verbose_name = _("cas examiné")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "participant"], name="agenda_item_one_per_participant"
            ),
            text_constraint("agendaitem", "decision"),
        ]

    def __str__(self):
        return str(self.participant)

    @property
    def is_decided(self):
        return self.decided_at is not None

    @property
    def reason_labels(self):
        return [AgendaReason(code).label for code in self.reasons if code in AgendaReason.values]
