"""The job-dating's forms: a recruiter's table, booking an interview, its outcome."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from events.forms import bound_numbers, time_widget
from events.models import InterviewOutcome, RecruiterTable
from pacte.models import User
from pacte.roles import Role
from participants.models import Participant
from partners.models import Partner


class RecruiterTableForm(forms.ModelForm):
    class Meta:
        model = RecruiterTable
        fields = ["partner", "recruiter", "label", "starts_at", "ends_at", "slot_minutes"]
        widgets = {"starts_at": time_widget(), "ends_at": time_widget()}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        bound_numbers(self)
        self.event = event
        self.fields["partner"].queryset = Partner.objects.filter(
            territory_id=event.territory_id, is_active=True
        )
        self.fields["recruiter"].queryset = User.objects.filter(
            role=Role.RECRUITER, is_active=True, structure__territory_id=event.territory_id
        ).select_related("structure")

    def clean(self):
        data = super().clean()
        start, end, recruiter = data.get("starts_at"), data.get("ends_at"), data.get("recruiter")
        minutes = data.get("slot_minutes")
        if (
            start
            and end
            and (end <= start or start < self.event.starts_at or end > self.event.ends_at)
        ):
            self.add_error("ends_at", _("Les entretiens ont lieu pendant le Café-métiers."))
        elif (
            start
            and end
            and minutes
            and not RecruiterTable(starts_at=start, ends_at=end, slot_minutes=minutes).slots()
        ):
            self.add_error(
                "slot_minutes", _("Un entretien au moins doit tenir entre le début et la fin.")
            )
        partner = data.get("partner")
        if (
            recruiter
            and partner
            and (partner.structure_id is None or recruiter.structure_id != partner.structure_id)
        ):
            self.add_error("recruiter", _("Ce compte n’appartient pas à ce partenaire."))
        return data


class InterviewBookForm(forms.Form):
    registration = forms.ModelChoiceField(label=_("Jeune"), queryset=Participant.objects.none())
    starts_at = forms.TypedChoiceField(
        label=_("Créneau"), coerce=lambda v: dt.time.fromisoformat(v)
    )

    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["registration"].queryset = table.event.registrations.filter(
            status__in=["invited", "confirmed", "present"]
        ).select_related("participant")
        self.fields["registration"].label_from_instance = lambda r: str(r.participant)
        taken = set(table.interviews.values_list("starts_at", flat=True))
        self.fields["starts_at"].choices = [
            (slot.isoformat(), slot.strftime("%H h %M"))
            for slot in table.slots()
            if slot not in taken
        ]


class InterviewOutcomeForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Suite donnée"),
        widget=forms.RadioSelect,
        error_messages={
            "required": _("choisissez-en une."),
            "invalid_choice": _("choisissez-en une."),
        },
        choices=[
            (c.value, c.label)
            for c in InterviewOutcome
            if c not in {InterviewOutcome.PENDING, InterviewOutcome.NO_SHOW}
        ],
    )
    contract_type = forms.ChoiceField(
        label=_("Contrat proposé (si embauche)"),
        required=False,
        choices=[
            ("", "—"),
            ("cdi", _("CDI")),
            ("cdd_long", _("CDD de 6 mois ou plus")),
            ("cdd", _("CDD de moins de 6 mois")),
            ("temping", _("Intérim")),
            ("alternance", _("Alternance")),
        ],
    )
    reason = forms.CharField(label=_("Motif (si non retenu)"), required=False, max_length=250)
