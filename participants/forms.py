from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from pacte.bounds import BoundedDateField, reason_field
from pacte.models import ProgrammeYear, Structure, User
from pacte.phones import normalize_phone
from pacte.programme_years.selectors import enrolment_year
from pacte.roles import Role
from participants import permissions
from participants.eligibility import age_on, field_gaps
from participants.models import (
    FollowUp,
    JusticeMeasure,
    Outcome,
    Participant,
    PlanAction,
    Sector,
    Status,
)
from participants.selectors import participant_version
from partners.models import Partner

DATE = {"type": "date"}


def date_widget():
    return forms.DateInput(attrs=DATE, format="%Y-%m-%d")


class ParticipantForm(forms.ModelForm):
    wished_sectors = forms.MultipleChoiceField(
        label=_("Secteurs souhaités"),
        choices=Sector.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    override_reason = reason_field(
        label=_("Motif d’inscription hors critères"),
        required=False,
        help_text=_(
            "Seulement si le jeune ne remplit pas tous les critères de l’année "
            "(réservé à la coordination)."
        ),
    )

    class Meta:
        model = Participant
        fields = [
            "first_name",
            "last_name",
            "birth_date",
            "phone",
            "email",
            "preferred_channel",
            "address",
            "postal_code",
            "city",
            "lives_in_qpv",
            "legal_rep_name",
            "legal_rep_phone",
            "legal_rep_email",
            "legal_rep_consent_on",
            "education_level",
            "school_dropout",
            "employment_situation",
            "leaving_prison",
            "wished_sectors",
            "wished_trades",
            "mobility",
            "imilo_id",
            "france_travail_id",
            "programme_year",
            "referred_by",
            "referred_on",
            "referrer_name",
            "structure_in_charge",
            "referent",
            "enrolled_on",
            "consent_on",
            "consent_scope",
        ]
        widgets = {
            "birth_date": date_widget(),
            "legal_rep_consent_on": date_widget(),
            "referred_on": date_widget(),
            "enrolled_on": date_widget(),
            "consent_on": date_widget(),
            "consent_scope": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The year a coordinator must open before this file can be enrolled (shown on top).
        self.missing_year = None
        # The file's own territory's structures only, for every role (an administrator's
        # scope is every territory).
        structures = (
            Structure.objects.filter(territory_id=self.instance.territory_id)
            if self.instance.pk
            else Structure.objects.in_territory_of(user)
        )
        if not self.instance.pk:
            # A new file goes in the open year of its enrolment date.
            today = timezone.localdate()
            year = self.fields["programme_year"]
            year.queryset = ProgrammeYear.objects.of_territory(user.territory_id).open()
            year.required = False
            year.empty_label = _("Celle de la date d’entrée")
            year.help_text = _(
                "Une année civile : celle de la date d’entrée dans le programme, si elle est "
                "ouverte."
            )
            self.fields["enrolled_on"].initial = today
            current = enrolment_year(territory_id=user.territory_id, on=today)
            year.initial = current.pk if current else None
            if current is None and not self.is_bound:
                self.missing_year = today.year
        self.fields["referred_by"].queryset = structures
        self.fields["structure_in_charge"].queryset = structures
        self.fields["referent"].queryset = User.objects.filter(
            role=Role.COUNSELLOR, is_active=True, structure__in=structures
        ).select_related("structure")
        self.fields["referent"].label_from_instance = lambda u: f"{u} — {u.structure}"
        if user.role == Role.COUNSELLOR:
            # A counsellor's new files are their structure's.
            del self.fields["structure_in_charge"]
            self.fields["referent"].queryset = self.fields["referent"].queryset.filter(
                structure_id=user.structure_id
            )
        if not permissions.can_override_eligibility(user):
            # Only the coordination enrols a young person outside the year's criteria.
            del self.fields["override_reason"]
        if self.instance.pk:
            for name in ("programme_year", "structure_in_charge", "referent", "override_reason"):
                self.fields.pop(name, None)
            # The version the person edits: a save over someone else's change is refused.
            self.fields["seen_version"] = forms.CharField(widget=forms.HiddenInput, required=False)
            self.initial["seen_version"] = participant_version(self.instance)

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])

    def clean_referred_on(self):
        referred_on = self.cleaned_data["referred_on"]
        if referred_on > timezone.localdate():
            raise forms.ValidationError(
                _("Une orientation se note une fois faite : la date est à venir.")
            )
        return referred_on

    def clean_legal_rep_phone(self):
        return normalize_phone(self.cleaned_data["legal_rep_phone"])

    def clean(self):
        data = super().clean()
        birth_date = data.get("birth_date")
        enrolled_on = data.get("enrolled_on")
        if enrolled_on:
            self._clean_programme_year(data, enrolled_on)
        if birth_date and enrolled_on:
            if age_on(birth_date, enrolled_on) < 18 and not data.get("legal_rep_name"):
                self.add_error(
                    "legal_rep_name",
                    _(
                        "Ce jeune est mineur : indiquez son représentant légal, qui recevra "
                        "aussi les convocations."
                    ),
                )
        if not self.instance.pk:
            self._clean_referent(data)
            self._clean_eligibility(data)
        return data

    def _clean_referent(self, data):
        """The referent works in the structure in charge (checked again by the service)."""
        referent = data.get("referent")
        if self.user.role == Role.COUNSELLOR:
            structure_id = self.user.structure_id
        else:
            structure = data.get("structure_in_charge")
            structure_id = structure.pk if structure else None
        if referent and structure_id and referent.structure_id != structure_id:
            self.add_error(
                "referent",
                _("Le référent ou la référente doit appartenir à la structure référente."),
            )

    def _clean_eligibility(self, data):
        """The year's criteria, checked with the other answers: each gap next to its field,
        in the same pass as the other errors (the service checks them again)."""
        if data.get("override_reason", "").strip():
            return
        year = data.get("programme_year")
        gaps = field_gaps(
            criteria=year.criteria if year else None,
            birth_date=data.get("birth_date"),
            enrolled_on=data.get("enrolled_on"),
            employment_situation=data.get("employment_situation"),
            education_level=data.get("education_level"),
            leaving_prison=data.get("leaving_prison"),
            school_dropout=data.get("school_dropout"),
        )
        for gap in gaps:
            self.add_error(gap.field, gap.message)
        if not gaps:
            return
        if "override_reason" in self.fields:
            self.add_error(
                "override_reason",
                _(
                    "Ce jeune ne remplit pas les critères de l’année (voir les champs signalés) : "
                    "corrigez-les ou indiquez le motif de son inscription hors critères."
                ),
            )
        else:
            self.add_error(
                None,
                _(
                    "Ce jeune ne remplit pas les critères de l’année : corrigez les champs "
                    "signalés, ou demandez à la coordination, seule à pouvoir l’inscrire hors "
                    "critères, de créer son dossier."
                ),
            )

    def _clean_programme_year(self, data, enrolled_on):
        """Programme years are calendar years: a file belongs to the year it enters in."""
        if self.instance.pk:
            if enrolled_on.year != self.instance.programme_year.year:
                self.add_error(
                    "enrolled_on",
                    _(
                        "Ce dossier appartient à l’année %(year)s du programme : sa date "
                        "d’entrée doit rester en %(year)s."
                    )
                    % {"year": self.instance.programme_year.year},
                )
            return
        chosen = data.get("programme_year")
        if chosen is not None and chosen.year == enrolled_on.year:
            return
        fitting = enrolment_year(territory_id=self.user.territory_id, on=enrolled_on)
        if fitting is None:
            self.missing_year = enrolled_on.year
            self.add_error("programme_year", no_open_year_message(enrolled_on.year))
        elif chosen is None:
            data["programme_year"] = fitting
        else:
            self.add_error(
                "programme_year",
                _(
                    "La date d’entrée tombe en %(entry)s : choisissez l’année %(entry)s du "
                    "programme (et non %(chosen)s)."
                )
                % {"entry": enrolled_on.year, "chosen": chosen.year},
            )


def no_open_year_message(year) -> str:
    return _(
        "Aucune année %(year)s du programme n’est ouverte pour votre territoire : la "
        "coordination doit l’ouvrir (menu « Années du programme ») avant d’y inscrire un "
        "jeune entré en %(year)s."
    ) % {"year": year}


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["happened_on", "kind", "summary", "next_step", "next_contact_on"]
        widgets = {
            "happened_on": date_widget(),
            "next_contact_on": date_widget(),
            "summary": forms.Textarea(attrs={"rows": 3}),
        }


class StatusChangeForm(forms.Form):
    to_status = forms.ChoiceField(label=_("Nouveau statut"), choices=Status.choices)
    reason = reason_field(
        label=_("Motif"),
        error_messages={
            "required": _(
                "Indiquez le motif du changement de statut : il reste dans l’historique du dossier."
            )
        },
    )


class JusticeMeasureForm(forms.ModelForm):
    class Meta:
        model = JusticeMeasure
        fields = [
            "kind",
            "starts_on",
            "ends_on",
            "spip_counsellor",
            "out_from",
            "out_until",
            "notes",
        ]
        widgets = {
            "starts_on": date_widget(),
            "ends_on": date_widget(),
            "out_from": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "out_until": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }


class OutcomeForm(forms.ModelForm):
    class Meta:
        model = Outcome
        fields = ["kind", "starts_on", "employer_name"]
        widgets = {"starts_on": date_widget()}


class PlanActionForm(forms.ModelForm):
    class Meta:
        model = PlanAction
        fields = ["category", "description", "partner", "status", "due_on"]
        widgets = {"due_on": date_widget()}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.visible_to(user).filter(is_active=True)


class HandOverForm(forms.Form):
    to_referent = forms.ModelChoiceField(
        label=_("Nouveau référent ou nouvelle référente"), queryset=User.objects.none()
    )
    reason = reason_field(label=_("Motif"), required=False)

    def __init__(self, *args, participant, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_referent"].queryset = permissions.hand_over_candidates(
            participant, user
        ).select_related("structure")
        self.fields["to_referent"].label_from_instance = lambda u: f"{u} — {u.structure}"


class StandInForm(forms.Form):
    stand_in = forms.ModelChoiceField(
        label=_("Remplaçant ou remplaçante"),
        required=False,
        queryset=User.objects.none(),
        help_text=_("Laisser vide pour mettre fin au remplacement."),
    )
    stand_in_until = BoundedDateField(label=_("Jusqu’au"), required=False, widget=date_widget())

    def __init__(self, *args, participant, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stand_in"].queryset = permissions.stand_in_candidates(
            participant, user
        ).select_related("structure")
        self.fields["stand_in"].label_from_instance = lambda u: f"{u} — {u.structure}"
        self.fields["stand_in_until"].help_text = _(
            "Au plus %(days)s jours : le %(latest)s au plus tard."
        ) % {
            "days": permissions.STAND_IN_MAX_DAYS,
            "latest": date_format(permissions.stand_in_latest_end()),
        }


class OutcomeCheckForm(forms.Form):
    maintained = forms.TypedChoiceField(
        label=_("La solution est-elle toujours en place ?"),
        choices=[("1", _("Oui, toujours en place")), ("0", _("Non, elle a pris fin"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
