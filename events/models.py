import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from events.permissions import STAFF_OF_THE_TERRITORY
from pacte.bounds import (
    DATE_VALIDATORS,
    FIRST_DATE,
    LAST_DATE,
    REASON_MAX,
    TEXT_MAX,
    length_at_most,
)
from pacte.models import Territory
from pacte.roles import Role
from participants.models import Participant
from partners.models import JobOffer, Partner

# Bounds of what people type (#15), held by the forms (validators) and by the database
# (check constraints): what a Café-métiers can be, nothing a typo or a probe could blow up.
# Dates and texts are bounded as everywhere (pacte.bounds).
MAX_CAPACITY = 1000  # places of an event or of a workshop
MAX_RECRUITERS = 20  # recruiters one partner brings
MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 120  # one job-dating interview
# A whole day of the shortest interviews: no table ever lists more slots than that.
MAX_SLOTS = 24 * 60 // MIN_SLOT_MINUTES
MAX_TEXT = TEXT_MAX  # a free text (an event's presentation)
MAX_REASON = REASON_MAX  # a motive (admission beyond capacity)


def date_validators():
    return list(DATE_VALIDATORS)


def bounded(field, low, high) -> Q:
    return Q(**{f"{field}__gte": low, f"{field}__lte": high})


text_bounded = length_at_most


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    OPEN = "open", _("Inscriptions ouvertes")
    CLOSED = "closed", _("Inscriptions closes")
    DONE = "done", _("Terminé")
    CANCELLED = "cancelled", _("Annulé")


class EventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A recruiter's, those where they hold a table; the territory's for the staff;
        none for the administrator (an event's pages list the young people invited)."""
        if not user.is_authenticated or user.role == Role.ADMINISTRATOR:
            return self.none()
        if user.role == Role.RECRUITER:
            return self.filter(
                pk__in=RecruiterTable.objects.filter(recruiter_id=user.pk).values("event_id")
            )
        return self.filter(STAFF_OF_THE_TERRITORY.q(user))


class Event(models.Model):
    """A Café-métiers: an afternoon of workshops and job-dating."""

    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(_("titre"), max_length=200, default="Café-métiers")
    date = models.DateField(_("date"), validators=date_validators())
    starts_at = models.TimeField(_("début"))
    ends_at = models.TimeField(_("fin"))
    venue = models.CharField(_("lieu"), max_length=200)
    address = models.CharField(_("adresse"), max_length=250)
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    status = models.CharField(
        _("état"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    description = models.TextField(_("présentation"), blank=True, max_length=MAX_TEXT)
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="staffed_events",
        verbose_name=_("équipe d’accueil (émargement)"),
        help_text=_("Conseillers et conseillères qui émargent le jour même."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    cancelled_at = models.DateTimeField(_("annulé le"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    # Raised each time the date, the hours or the place change: those invited are told.
    schedule_version = models.PositiveIntegerField(default=1, editable=False)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("Café-métiers")
        verbose_name_plural = _("Café-métiers")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=bounded("date", FIRST_DATE, LAST_DATE), name="event_date_bounded"
            ),
            models.CheckConstraint(
                condition=bounded("capacity", 1, MAX_CAPACITY), name="event_capacity_bounded"
            ),
            models.CheckConstraint(
                condition=text_bounded("description", MAX_TEXT), name="event_description_bounded"
            ),
        ]

    def __str__(self):
        return f"{self.title} du {self.date:%d/%m/%Y}"


class PartnerRole(models.TextChoices):
    JOB_DATING = "job_dating", _("Job-dating")
    WORKSHOP = "workshop", _("Animation d’atelier")
    INFORMATION = "information", _("Stand d’information")


class EventPartner(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="partners")
    partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="event_presences",
        verbose_name=_("partenaire"),
    )
    role = models.CharField(
        _("rôle"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.JOB_DATING
    )
    recruiters = models.PositiveSmallIntegerField(
        _("nombre de recruteurs"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_RECRUITERS)],
    )

    offers = models.ManyToManyField(
        JobOffer,
        blank=True,
        related_name="event_presences",
        verbose_name=_("offres présentées"),
    )

    class Meta:
        verbose_name = _("partenaire présent")
        ordering = ["partner__name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "partner"], name="event_partner_once"),
            models.CheckConstraint(
                condition=bounded("recruiters", 1, MAX_RECRUITERS),
                name="event_partner_recruiters_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.partner} ({self.get_role_display()})"


class WorkshopKind(models.TextChoices):
    COACHING = "coaching", _("Coaching : se présenter")
    JOB_SEARCH = "job_search", _("Rechercher un emploi")
    EMPLOYMENT_ACTORS = "actors", _("Connaître les acteurs de l’emploi")
    JOB_DATING = "job_dating", _("Job-dating")
    OTHER = "other", _("Autre")


class Workshop(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="workshops")
    kind = models.CharField(_("type"), max_length=20, choices=WorkshopKind.choices)
    title = models.CharField(_("intitulé"), max_length=200, blank=True)
    starts_at = models.TimeField(_("début"))
    ends_at = models.TimeField(_("fin"))
    room = models.CharField(_("salle"), max_length=100, blank=True)
    capacity = models.PositiveIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(MAX_CAPACITY)]
    )
    facilitator = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="workshops_led",
        verbose_name=_("animé par"),
    )

    class Meta:
        verbose_name = _("atelier")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="workshop_ends_after_start"
            ),
            models.CheckConstraint(
                condition=bounded("capacity", 1, MAX_CAPACITY), name="workshop_capacity_bounded"
            ),
        ]

    def __str__(self):
        return self.title or self.get_kind_display()


class RegistrationStatus(models.TextChoices):
    INVITED = "invited", _("Invité")
    CONFIRMED = "confirmed", _("Confirmé")
    WAITING = "waiting", _("Liste d’attente")
    PRESENT = "present", _("Présent")
    ABSENT = "absent", _("Absent")
    EXCUSED = "excused", _("Excusé")
    CANCELLED = "cancelled", _("Annulé")
    EVENT_CANCELLED = "event_cancelled", _("Événement annulé")

    @classmethod
    def holding_a_place(cls):
        """Statuses that take one of the event's places."""
        return [cls.INVITED, cls.CONFIRMED, cls.PRESENT]


class Answer(models.TextChoices):
    """What the young person said on their personal page."""

    COMING = "coming", _("Vient")
    NOT_COMING = "not_coming", _("Ne peut pas venir")


class DeclineReason(models.TextChoices):
    """A short list, optional: never a justice reason (the page never hints at one)."""

    WORK = "work", _("Travail ou formation")
    HEALTH = "health", _("Santé")
    FAMILY = "family", _("Raison familiale")
    TRANSPORT = "transport", _("Transport")
    OTHER = "other", _("Autre raison")


def new_check_in_token():
    return secrets.token_urlsafe(32)


def new_personal_token():
    """The young person's own link (events.personal_links): 128 random bits, short
    enough for an SMS."""
    return secrets.token_urlsafe(16)


class Registration(models.Model):
    """A participant invited to an event (inscription / convocation)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    participant = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="registrations"
    )
    status = models.CharField(_("état"), max_length=20, choices=RegistrationStatus.choices)
    # Unguessable, one per registration (so never valid for another event).
    check_in_token = models.CharField(
        max_length=64, unique=True, default=new_check_in_token, editable=False
    )
    # The young person's personal page, without an account: distinct from the check-in
    # token (the QR code shown at the door); a new one revokes the old link.
    personal_token = models.CharField(
        max_length=32, unique=True, default=new_personal_token, editable=False
    )
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    # On the waiting list, a place freed is theirs until then (events.offers): it counts
    # among the places held; past it, the place goes to the next one.
    offered_until = models.DateTimeField(_("place proposée jusqu’au"), null=True, blank=True)
    offers_made = models.PositiveSmallIntegerField(default=0, editable=False)
    # An offer left unanswered: they stay on the list, and are offered no place again.
    offer_lapsed_at = models.DateTimeField(_("place non prise le"), null=True, blank=True)
    # The young person's own answer on their page (events.answers), shown to the referent.
    answer = models.CharField(
        _("réponse du jeune"), max_length=12, choices=Answer.choices, blank=True, default=""
    )
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    decline_reason = models.CharField(
        _("motif"), max_length=12, choices=DeclineReason.choices, blank=True, default=""
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    checked_in_at = models.DateTimeField(null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    walk_in = models.BooleanField(_("venu sans inscription"), default=False)
    over_capacity_reason = models.TextField(
        _("motif d’admission au-delà des places"), blank=True, max_length=MAX_REASON
    )
    reminders_paused = models.BooleanField(_("rappels suspendus"), default=False)
    workshops = models.ManyToManyField(Workshop, blank=True, related_name="registrations")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("inscription")
        ordering = ["participant__last_name", "participant__first_name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "participant"], name="registration_once_per_event"
            ),
            models.CheckConstraint(
                condition=text_bounded("over_capacity_reason", MAX_REASON),
                name="registration_reason_bounded",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"])]

    def __str__(self):
        return f"{self.participant} — {self.event}"


class MessageKind(models.TextChoices):
    CONVOCATION = "convocation", _("Convocation")
    REMINDER = "reminder", _("Rappel")
    CHANGE = "change", _("Changement de date, d’horaire ou de lieu")
    MORNING = "morning", _("Rappel du jour même")
    WAITING = "waiting", _("Inscription sur la liste d’attente")
    OFFER = "offer", _("Place proposée à la liste d’attente")
    CANCELLATION = "cancellation", _("Annulation du Café-métiers")
    NO_SHOW = "no_show", _("Le lendemain d’une absence")


class Channel(models.TextChoices):
    SMS = "sms", _("SMS")
    EMAIL = "email", _("E-mail")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("En attente d’envoi")
    SENDING = "sending", _("Envoi en cours")
    RETRY = "retry", _("Nouvel essai prévu")
    SENT = "sent", _("Envoyé")
    DELIVERED = "delivered", _("Remis")
    FAILED = "failed", _("Échec")
    UNKNOWN = "unknown", _("Inconnu")


class SentMessage(models.Model):
    """The outbox: one row per message to a young person or a minor's legal representative,
    written pending with what causes it and delivered by a job (events.outbox). Its unique
    constraint makes a message once per (registration, kind, channel, recipient, schedule)."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField(max_length=20, choices=MessageKind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    recipient = models.CharField(max_length=200)
    to_legal_rep = models.BooleanField(default=False)
    # A convocation is sent once (0); a reminder or a change notice once per schedule of
    # the event, so a new date brings a new notice and a new reminder.
    event_version = models.PositiveIntegerField(default=0)
    status = models.CharField(
        _("état"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("essais"), default=0)
    last_error = models.CharField(_("dernière erreur"), max_length=300, blank=True)
    provider_message_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "kind", "channel", "recipient", "event_version"],
                name="message_sent_once_per_schedule",
            ),
        ]
        indexes = [
            # What the dispatcher looks for every minute: due, retried or stuck messages.
            models.Index(
                fields=["status", "next_attempt_at"],
                condition=Q(status__in=["pending", "retry", "sending"]),
                name="message_to_dispatch",
            ),
            models.Index(
                fields=["provider_message_id"],
                condition=~Q(provider_message_id=""),
                name="message_by_provider_id",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.get_channel_display()} → {self.recipient}"


class RecruiterTable(models.Model):
    """A partner's job-dating table: interviews of `slot_minutes` between two times."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="tables")
    partner = models.ForeignKey(
        Partner, on_delete=models.PROTECT, related_name="tables", verbose_name=_("partenaire")
    )
    recruiter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="recruiter_tables",
        verbose_name=_("compte du recruteur ou de la recruteuse"),
    )
    label = models.CharField(_("table"), max_length=100, blank=True)
    starts_at = models.TimeField(_("premier entretien"))
    ends_at = models.TimeField(_("fin des entretiens"))
    slot_minutes = models.PositiveSmallIntegerField(
        _("durée d’un entretien (minutes)"),
        default=15,
        validators=[MinValueValidator(MIN_SLOT_MINUTES), MaxValueValidator(MAX_SLOT_MINUTES)],
    )
    # The recruiter's personal sign-in link, valid on the event's day only.
    access_token = models.CharField(
        max_length=64, unique=True, default=new_check_in_token, editable=False
    )

    class Meta:
        verbose_name = _("table de job-dating")
        ordering = ["event", "partner__name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="table_ends_after_start"
            ),
            models.CheckConstraint(
                condition=bounded("slot_minutes", MIN_SLOT_MINUTES, MAX_SLOT_MINUTES),
                name="table_slot_minutes_bounded",
            ),
        ]

    def __str__(self):
        return self.label or str(self.partner)

    def slots(self):
        """The start times of the table's interviews: a count, never an open loop (a length
        of 0 minutes once looped until the memory ran out), and none for a length out of
        bounds."""
        if not MIN_SLOT_MINUTES <= (self.slot_minutes or 0) <= MAX_SLOT_MINUTES:
            return []
        start = dt.datetime.combine(dt.date.min, self.starts_at)
        end = dt.datetime.combine(dt.date.min, self.ends_at)
        step = dt.timedelta(minutes=self.slot_minutes)
        count = min(max((end - start) // step, 0), MAX_SLOTS)
        return [(start + index * step).time() for index in range(count)]


class InterviewOutcome(models.TextChoices):
    PENDING = "pending", _("À venir")
    SECOND_INTERVIEW = "second_interview", _("Second entretien")
    IMMERSION = "immersion", _("Immersion (PMSMP)")
    HIRE = "hire", _("Embauche")
    NOT_RETAINED = "not_retained", _("Non retenu")
    NO_SHOW = "no_show", _("Absent")

    @classmethod
    def positive(cls):
        return {cls.SECOND_INTERVIEW, cls.IMMERSION, cls.HIRE}

    @classmethod
    def held(cls):
        return {cls.SECOND_INTERVIEW, cls.IMMERSION, cls.HIRE, cls.NOT_RETAINED}


class Interview(models.Model):
    """A job-dating slot between one participant and one recruiter's table."""

    table = models.ForeignKey(RecruiterTable, on_delete=models.CASCADE, related_name="interviews")
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="interviews"
    )
    starts_at = models.TimeField(_("heure"))
    ends_at = models.TimeField(_("fin"))
    outcome = models.CharField(
        _("suite donnée"),
        max_length=20,
        choices=InterviewOutcome.choices,
        default=InterviewOutcome.PENDING,
    )
    contract_type = models.CharField(_("contrat"), max_length=20, blank=True)
    reason = models.CharField(_("motif"), max_length=250, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("entretien job-dating")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["table", "starts_at"], name="interview_one_per_slot"),
            models.UniqueConstraint(
                fields=["registration", "starts_at"], name="interview_one_at_a_time"
            ),
        ]

    def __str__(self):
        return f"{self.registration.participant} — {self.table} à {self.starts_at:%H:%M}"
