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


class FocusedRadioSelect(forms.RadioSelect):
    """[autofocus] set on the widget lands on one radio only: the one chosen, else the first."""

    def optgroups(self, name, value, attrs=None):
        groups = super().optgroups(name, value, attrs)
        options = [option for _group, group_options, _index in groups for option in group_options]
        focused = [option for option in options if "autofocus" in option["attrs"]]
        if focused:
            keep = next((option for option in options if option["selected"]), options[0])
            for option in focused:
                if option is not keep:
                    del option["attrs"]["autofocus"]
        return groups


CONTRACT_CHOICES = [
    ("", "—"),
    ("cdi", _("CDI")),
    ("cdd_long", _("CDD de 6 mois ou plus")),
    ("cdd", _("CDD de moins de 6 mois")),
    ("temping", _("Intérim")),
    ("alternance", _("Alternance")),
]


class InterviewOutcomeForm(forms.Form):
    """How an interview went, on its candidate's card; ids unique to the card.

    The rules that depend on the outcome (a contract for a hire, a reason for « non
    retenu ») are the service's (events.job_dating): its errors come back on the fields.
    """

    outcome = forms.ChoiceField(
        label=_("Suite donnée"),
        widget=FocusedRadioSelect,
        error_messages={
            "required": _("Choisissez la suite donnée à cet entretien."),
            "invalid_choice": _("Choisissez la suite donnée à cet entretien."),
        },
        choices=[(c.value, c.label) for c in InterviewOutcome if c != InterviewOutcome.PENDING],
    )
    contract_type = forms.ChoiceField(
        label=_("Contrat proposé (si embauche)"),
        required=False,
        choices=CONTRACT_CHOICES,
        error_messages={"invalid_choice": _("Choisissez un contrat de la liste.")},
    )
    reason = forms.CharField(
        label=_("Motif (si non retenu)"),
        required=False,
        max_length=250,
        error_messages={"max_length": _("Le motif tient en 250 caractères au plus.")},
    )
    # Set on the form that corrects a recorded outcome (the « Corriger » button).
    correction = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, interview, **kwargs):
        kwargs.setdefault("auto_id", f"entretien-{interview.pk}-%s")
        super().__init__(*args, **kwargs)

    def focus_first_error(self):
        """htmx focuses the swapped card's first [autofocus] field: the first one in error."""
        for name in self.fields:
            if name in self.errors:
                self.fields[name].widget.attrs["autofocus"] = True
                return
