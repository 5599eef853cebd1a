from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pacte.bounds import (
    DATE_VALIDATORS,
    REASON_MAX,
    date_constraint,
    text_constraint,
    text_validators,
)
from pacte.models import ProgrammeYear, Structure, Territory
from participants.models.choices import (
    EducationLevel,
    EmploymentSituation,
    Mobility,
    PreferredChannel,
    Status,
)
from participants.querysets import ParticipantQuerySet


class Participant(models.Model):
    """A young person in (or referred to) the programme: their file."""

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+")
    programme_year = models.ForeignKey(
        ProgrammeYear,
        on_delete=models.PROTECT,
        related_name="participants",
        verbose_name=_("année du programme"),
    )
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.REFERRED
    )

    # Identity and contact
    first_name = models.CharField(_("prénom"), max_length=100)
    last_name = models.CharField(_("nom"), max_length=100)
    search_name = models.CharField(max_length=210, editable=False, db_index=True)
    birth_date = models.DateField(_("date de naissance"), validators=DATE_VALIDATORS)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    preferred_channel = models.CharField(
        _("canal préféré"),
        max_length=10,
        choices=PreferredChannel.choices,
        default=PreferredChannel.SMS,
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    postal_code = models.CharField(
        _("code postal"),
        max_length=5,
        blank=True,
        validators=[
            RegexValidator(
                r"^(0[1-9]|[1-8]\d|9[0-8])\d{3}$",
                _("Un code postal français s’écrit en 5 chiffres, par exemple 75015."),
            )
        ],
    )
    city = models.CharField(_("commune"), max_length=100, blank=True)
    lives_in_qpv = models.BooleanField(_("habite un quartier prioritaire (QPV)"), null=True)

    # A minor's legal representative, who receives the convocations too
    legal_rep_name = models.CharField(_("représentant légal"), max_length=200, blank=True)
    legal_rep_phone = models.CharField(
        _("téléphone du représentant légal"), max_length=20, blank=True
    )
    legal_rep_email = models.EmailField(_("e-mail du représentant légal"), blank=True)
    legal_rep_consent_on = models.DateField(
        _("accord du représentant légal le"), null=True, blank=True, validators=DATE_VALIDATORS
    )

    # Situation and wishes
    education_level = models.CharField(
        _("niveau de formation"), max_length=20, choices=EducationLevel.choices, blank=True
    )
    school_dropout = models.BooleanField(_("décrochage scolaire"), default=False)
    employment_situation = models.CharField(
        _("situation d’emploi"),
        max_length=20,
        choices=EmploymentSituation.choices,
        default=EmploymentSituation.UNEMPLOYED,
    )
    leaving_prison = models.BooleanField(
        _("sortant de prison en aménagement de peine"), default=False
    )
    wished_sectors = models.JSONField(_("secteurs souhaités"), default=list, blank=True)
    wished_trades = models.CharField(_("métiers souhaités"), max_length=250, blank=True)
    mobility = models.CharField(_("mobilité"), max_length=20, choices=Mobility.choices, blank=True)
    imilo_id = models.CharField(_("identifiant I-Milo"), max_length=30, blank=True)
    france_travail_id = models.CharField(_("identifiant France Travail"), max_length=30, blank=True)

    # Referral
    referred_by = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="referred_participants",
        verbose_name=_("orienté par"),
    )
    referred_on = models.DateField(_("orienté le"), validators=DATE_VALIDATORS)
    referrer_name = models.CharField(_("personne qui oriente"), max_length=200, blank=True)

    # Follow-up
    structure_in_charge = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        related_name="participants_in_charge",
        verbose_name=_("structure référente"),
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referent_of",
        verbose_name=_("référent ou référente"),
    )
    stand_in = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="stand_in_for",
        verbose_name=_("remplaçant ou remplaçante"),
    )
    stand_in_until = models.DateField(
        _("remplacement jusqu’au"), null=True, blank=True, validators=DATE_VALIDATORS
    )

    # Consent and enrolment
    consent_on = models.DateField(
        _("consentement recueilli le"), null=True, blank=True, validators=DATE_VALIDATORS
    )
    consent_scope = models.TextField(
        _("objet du consentement"),
        blank=True,
        max_length=REASON_MAX,
        validators=text_validators(REASON_MAX),
    )
    enrolled_on = models.DateField(_("entrée dans le programme le"), validators=DATE_VALIDATORS)
    eligibility_override_reason = models.TextField(
        _("motif d’inscription hors critères"),
        blank=True,
        max_length=REASON_MAX,
        validators=text_validators(REASON_MAX),
    )
    last_follow_up_on = models.DateField(null=True, blank=True, editable=False)

    justice_purged_at = models.DateTimeField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ParticipantQuerySet.as_manager()

    # Who changed what, and when (simple-history).
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("jeune")
        verbose_name_plural = _("jeunes")
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            date_constraint(
                "participant",
                "birth_date",
                "legal_rep_consent_on",
                "referred_on",
                "stand_in_until",
                "consent_on",
                "enrolled_on",
            ),
            text_constraint("participant", "consent_scope", REASON_MAX),
            text_constraint("participant", "eligibility_override_reason", REASON_MAX),
        ]
        indexes = [
            models.Index(fields=["territory", "status"]),
            models.Index(fields=["search_name", "birth_date"]),
            # The list's sort orders within a territory, so a page (even a deep one) is
            # read from an index instead of sorting the whole territory. The name search
            # has a trigram index made by migration 0006 (PostgreSQL only).
            models.Index(
                fields=["territory", "last_name", "first_name", "id"],
                name="participant_by_name",
            ),
            models.Index(
                fields=["territory", "last_follow_up_on", "id"], name="participant_by_follow_up"
            ),
            models.Index(
                fields=["territory", "enrolled_on", "id"], name="participant_by_enrolment"
            ),
            # "À suivre": its count and its order (last follow-up first) read from the
            # index alone, the participants who left the programme out of it.
            models.Index(
                fields=["territory", "last_follow_up_on", "last_name", "id"],
                include=["enrolled_on"],
                condition=~models.Q(status="exited"),
                name="participant_attention",
            ),
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def age_on(self, day):
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years

    @property
    def is_minor(self):
        return self.age_on(timezone.localdate()) < 18


class StatusChange(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="status_changes"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    changed_at = models.DateTimeField(default=timezone.now)
    # None: the retention job closed a file nobody had touched for the retention period.
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.TextField(
        _("motif"), blank=True, max_length=REASON_MAX, validators=text_validators(REASON_MAX)
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [text_constraint("statuschange", "reason", REASON_MAX)]
        # Exits of a period (dashboard, reports).
        indexes = [
            models.Index(
                fields=["changed_at", "participant"],
                condition=models.Q(to_status="exited"),
                name="status_change_exit_by_day",
            )
        ]

    def __str__(self):
        return f"{self.participant} : {self.from_status or '—'} → {self.to_status}"


class ReferentChange(models.Model):
    participant = models.ForeignKey(
        Participant, on_delete=models.CASCADE, related_name="referent_changes"
    )
    from_referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    to_referent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(
        _("motif"), blank=True, max_length=REASON_MAX, validators=text_validators(REASON_MAX)
    )

    class Meta:
        ordering = ["-changed_at", "-pk"]
        constraints = [text_constraint("referentchange", "reason", REASON_MAX)]

    def __str__(self):
        return f"{self.participant} : {self.from_referent} → {self.to_referent}"
