"""What happens along the path: follow-ups, plan actions, outcomes, tasks."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pacte.bounds import (
    DATE_VALIDATORS,
    TEXT_MAX,
    date_constraint,
    text_constraint,
    text_validators,
)
from participants.models.choices import (
    FollowUpKind,
    OutcomeKind,
    PlanActionCategory,
    PlanActionStatus,
    TaskKind,
)
from participants.models.participant import Participant


class FollowUp(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="follow_ups"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    happened_on = models.DateField(
        _("date"), default=timezone.localdate, validators=DATE_VALIDATORS
    )
    kind = models.CharField(_("type de contact"), max_length=20, choices=FollowUpKind.choices)
    summary = models.TextField(
        _("ce qui s’est dit"), max_length=TEXT_MAX, validators=text_validators()
    )
    next_step = models.CharField(_("prochaine étape"), max_length=250, blank=True)
    next_contact_on = models.DateField(
        _("prochain contact le"), null=True, blank=True, validators=DATE_VALIDATORS
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Who changed what, and when (simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("suivi")
        ordering = ["-happened_on", "-pk"]
        constraints = [
            date_constraint("followup", "happened_on", "next_contact_on"),
            text_constraint("followup", "summary"),
        ]
        indexes = [models.Index(fields=["participant", "-happened_on"])]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.happened_on:%d/%m/%Y}"


class PlanAction(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="plan_actions"
    )
    category = models.CharField(_("domaine"), max_length=20, choices=PlanActionCategory.choices)
    description = models.CharField(_("action"), max_length=250)
    partner = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="plan_actions",
        verbose_name=_("partenaire mobilisé"),
    )
    status = models.CharField(
        _("état"), max_length=20, choices=PlanActionStatus.choices, default=PlanActionStatus.PLANNED
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True, validators=DATE_VALIDATORS)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("action du parcours")
        ordering = ["due_on", "pk"]
        constraints = [date_constraint("planaction", "due_on")]

    def __str__(self):
        return f"{self.get_category_display()} : {self.description}"


class Outcome(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="outcomes")
    kind = models.CharField(_("solution"), max_length=20, choices=OutcomeKind.choices)
    starts_on = models.DateField(_("début"), validators=DATE_VALIDATORS)
    employer_name = models.CharField(_("employeur ou organisme"), max_length=200, blank=True)
    employer = models.ForeignKey(
        "partners.Partner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="outcomes",
        verbose_name=_("partenaire"),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    # Who changed what, and when (simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sortie")
        ordering = ["-starts_on", "-pk"]
        constraints = [date_constraint("outcome", "starts_on")]

    def __str__(self):
        return f"{self.get_kind_display()} depuis le {self.starts_on:%d/%m/%Y}"

    @property
    def is_durable_employment(self):
        return self.kind in OutcomeKind.durable_employment()


class Task(models.Model):
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="tasks")
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="tasks"
    )
    kind = models.CharField(_("type"), max_length=20, choices=TaskKind.choices)
    title = models.CharField(_("tâche"), max_length=250)
    due_on = models.DateField(_("échéance"), validators=DATE_VALIDATORS)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # An outcome check: which outcome, at how many months, and what it found.
    outcome = models.ForeignKey(
        Outcome, on_delete=models.CASCADE, null=True, blank=True, related_name="checks"
    )
    check_months = models.PositiveSmallIntegerField(null=True, blank=True)
    maintained = models.BooleanField(_("solution maintenue"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tâche")
        ordering = ["due_on", "pk"]
        constraints = [date_constraint("task", "due_on")]
        indexes = [
            models.Index(fields=["assignee", "done_at", "due_on"]),
            # Outcome checks due (needs attention): the open ones only.
            models.Index(
                fields=["due_on", "participant"],
                condition=models.Q(done_at__isnull=True, kind="outcome_check"),
                name="task_open_check_by_due",
            ),
            # Outcome checks at N months done in a period (dashboard, reports), with
            # their answer: read from the index alone. The check's month first: done
            # checks at 3 and 12 months are half of the rows the period holds.
            models.Index(
                fields=["check_months", "done_at", "participant"],
                include=["maintained"],
                condition=models.Q(done_at__isnull=False, kind="outcome_check"),
                name="task_done_check_by_day",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "check_months"], name="task_one_check_per_outcome_and_month"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_overdue(self):
        return self.done_at is None and self.due_on < timezone.localdate()
