from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.models import (
    FIRST_DATE,
    LAST_DATE,
    MAX_REASON,
    DeclineReason,
    Event,
    EventPartner,
    EventStatus,
    RegistrationStatus,
    Workshop,
)
from pacte.bounds import DATE_VALIDATORS
from pacte.models import Structure, StructureKind, User
from pacte.phones import normalize_phone
from pacte.roles import Role
from participants.models import Participant
from partners.models import JobOffer, Partner


def date_widget():
    return forms.DateInput(
        attrs={"type": "date", "min": FIRST_DATE.isoformat(), "max": LAST_DATE.isoformat()},
        format="%Y-%m-%d",
    )


def time_widget():
    return forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


def bound_numbers(form):
    """Number fields take their bounds from the model's validators, so that the error names
    the real bound (not the column's 0) and the browser's input gets its min and max."""
    for name, field in list(form.fields.items()):
        if not isinstance(field, forms.IntegerField):
            continue
        model_field = form._meta.model._meta.get_field(name)
        validators = model_field.validators
        form.fields[name] = model_field.formfield(
            min_value=max(
                (v.limit_value for v in validators if isinstance(v, MinValueValidator)),
                default=None,
            ),
            max_value=min(
                (v.limit_value for v in validators if isinstance(v, MaxValueValidator)),
                default=None,
            ),
        )


class EventForm(forms.ModelForm):
    class Meta:
        model = Event
        fields = [
            "title",
            "date",
            "starts_at",
            "ends_at",
            "venue",
            "address",
            "capacity",
            "status",
            "description",
            "staff",
        ]
        widgets = {
            "date": date_widget(),
            "starts_at": time_widget(),
            "ends_at": time_widget(),
            "description": forms.Textarea(attrs={"rows": 3}),
            "staff": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        bound_numbers(self)
        self.fields["staff"].queryset = User.objects.filter(
            role=Role.COUNSELLOR, is_active=True, structure__territory_id=user.territory_id
        ).select_related("structure")
        self.fields["staff"].label_from_instance = lambda u: f"{u} — {u.structure}"
        if self.instance.pk is None:
            self.fields["date"].widget.attrs["min"] = timezone.localdate().isoformat()
        # Cancelling tells everyone: its own button (events.services.event_cancel).
        self.fields["status"].choices = [
            choice for choice in EventStatus.choices if choice[0] != EventStatus.CANCELLED
        ]

    def clean_date(self):
        """A new event, or a new date, is today or later (those invited are told of it)."""
        date = self.cleaned_data["date"]
        if (self.instance.pk is None or date != self.instance.date) and (
            date < timezone.localdate()
        ):
            raise forms.ValidationError(
                _("Cette date est passée : choisissez aujourd’hui ou un jour à venir.")
            )
        return date

    def clean(self):
        data = super().clean()
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("La fin doit suivre le début."))
        date = data.get("date")
        if date and date < timezone.localdate() and data.get("status") == EventStatus.OPEN:
            self.add_error(
                "status",
                _(
                    "Ce Café-métiers a eu lieu : ses inscriptions ne peuvent plus être "
                    "ouvertes. Choisissez « Inscriptions closes » ou « Terminé »."
                ),
            )
        return data


class InviteForm(forms.Form):
    participant = forms.ModelChoiceField(label=_("Jeune"), queryset=Participant.objects.none())

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants
        self.fields["participant"].label_from_instance = lambda p: (
            f"{p.last_name.upper()} {p.first_name} — {p.structure_in_charge.name}"
        )


class WithdrawForm(forms.Form):
    status = forms.ChoiceField(
        choices=[
            (RegistrationStatus.CANCELLED, _("Annulé")),
            (RegistrationStatus.EXCUSED, _("Excusé")),
        ],
    )


class DeclineForm(forms.Form):
    """« Je ne peux pas venir », on the young person's page: the reason is optional."""

    reason = forms.ChoiceField(
        label=_("Pourquoi ? (facultatif)"),
        choices=[("", _("Je préfère ne pas le dire")), *DeclineReason.choices],
        required=False,
        widget=forms.RadioSelect,
    )


class WalkInForm(forms.Form):
    """Admit someone found by the walk-in search (a file of the territory)."""

    participant = forms.ModelChoiceField(
        label=_("Jeune venu sans inscription"),
        queryset=Participant.objects.none(),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("choisissez le jeune à admettre."),
            "invalid_choice": _("choisissez le jeune à admettre."),
        },
    )
    # The birth date the search was made with: the file admitted is one the door team
    # found by name and birth date, never any id of the territory.
    naissance = forms.DateField(widget=forms.HiddenInput, validators=DATE_VALIDATORS)
    reason = forms.CharField(
        label=_("Motif (si le Café-métiers est complet)"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, participants, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["participant"].queryset = participants

    def clean(self):
        data = super().clean()
        participant, born = data.get("participant"), data.get("naissance")
        if participant is not None and born is not None and participant.birth_date != born:
            self.add_error("participant", _("choisissez le jeune à admettre."))
        data.pop("naissance", None)
        return data


class WalkInSearchForm(forms.Form):
    """Find a walk-in's file across the territory: the name and the birth date, both (a
    name alone would list strangers' files to the door team)."""

    nom = forms.CharField(label=_("Nom et prénom"), max_length=100)
    naissance = forms.DateField(
        label=_("Date de naissance"), widget=date_widget(), validators=DATE_VALIDATORS
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="walk-in-%s", **kwargs)


class WalkInFileForm(forms.ModelForm):
    """No file found: the few facts the door can take; the coordination completes it."""

    reason = forms.CharField(
        label=_("Motif (si le Café-métiers est complet)"),
        required=False,
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    class Meta:
        model = Participant
        fields = ["first_name", "last_name", "birth_date", "phone", "referred_by"]
        widgets = {"birth_date": date_widget()}
        labels = {"referred_by": _("Structure qui l’oriente")}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, auto_id="new-file-%s", **kwargs)
        self.fields["referred_by"].queryset = (
            Structure.objects.filter(territory_id=event.territory_id)
            .exclude(kind=StructureKind.COMPANY)
            .order_by("name")
        )

    def clean_phone(self):
        return normalize_phone(self.cleaned_data["phone"])


class WorkshopForm(forms.ModelForm):
    class Meta:
        model = Workshop
        fields = ["kind", "title", "starts_at", "ends_at", "room", "capacity", "facilitator"]
        widgets = {"starts_at": time_widget(), "ends_at": time_widget()}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        bound_numbers(self)
        self.event = event
        self.fields["facilitator"].queryset = Partner.objects.filter(
            territory_id=event.territory_id, is_active=True
        )

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end:
            if end <= start:
                self.add_error("ends_at", _("La fin doit suivre le début."))
            elif start < self.event.starts_at or end > self.event.ends_at:
                self.add_error(
                    "starts_at",
                    _("L’atelier doit avoir lieu pendant le Café-métiers (%(s)s – %(e)s).")
                    % {
                        "s": self.event.starts_at.strftime("%H:%M"),
                        "e": self.event.ends_at.strftime("%H:%M"),
                    },
                )
        return data


class EventPartnerForm(forms.ModelForm):
    class Meta:
        model = EventPartner
        fields = ["partner", "role", "recruiters", "offers"]
        widgets = {"offers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        bound_numbers(self)
        self.fields["partner"].queryset = Partner.objects.filter(
            territory_id=event.territory_id, is_active=True
        ).exclude(pk__in=event.partners.values("partner"))
        self.fields["offers"].queryset = JobOffer.objects.filter(
            partner__territory_id=event.territory_id, status="open"
        ).select_related("partner")
        self.fields["offers"].label_from_instance = lambda offer: f"{offer.partner} — {offer}"

    def clean(self):
        data = super().clean()
        partner, offers = data.get("partner"), data.get("offers") or []
        if partner and any(offer.partner_id != partner.pk for offer in offers):
            self.add_error("offers", _("Choisissez des offres de ce partenaire."))
        return data


class WorkshopChoiceForm(forms.Form):
    workshop = forms.ModelChoiceField(label=_("Atelier"), queryset=Workshop.objects.none())

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workshop"].queryset = event.workshops.all()


def errors_as_sentences(form) -> list[str]:
    """The form's errors as sentences, for a page that answers with a message."""
    sentences = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        sentences += [f"{label} : {error}" if label else str(error) for error in errors]
    return sentences
