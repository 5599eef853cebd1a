from django.contrib.auth.models import AbstractUser, Group, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from pacte.bounds import DATE_VALIDATORS
from pacte.roles import STAFF_ROLES, Role, group_name
from pacte.scoping import TerritoryRule

MAX_REMINDER_DAYS = 14
MAX_OFFER_HOURS = 168  # a week


class Territory(models.Model):
    """A département: the area of one prefecture. Each sees only its own."""

    code = models.CharField(_("code du département"), max_length=3, unique=True)
    name = models.CharField(_("nom"), max_length=100)
    prefecture_name = models.CharField(_("préfecture"), max_length=200)
    # The Café-métiers' reminders of this territory (sent each morning by the job cluster).
    reminder_days_before = models.PositiveSmallIntegerField(
        _("rappel, jours avant le Café-métiers"),
        default=2,
        validators=[MaxValueValidator(MAX_REMINDER_DAYS)],
        help_text=_("0 : pas de rappel avant le jour même."),
    )
    morning_reminder = models.BooleanField(
        _("SMS de rappel le matin du Café-métiers"), default=True
    )
    # A place freed is offered to the first on the waiting list for this long (#19).
    waiting_offer_hours = models.PositiveSmallIntegerField(
        _("place proposée à la liste d’attente, heures pour répondre"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_OFFER_HOURS)],
        help_text=_("Jamais au-delà de la veille du Café-métiers."),
    )

    class Meta:
        verbose_name = _("territoire")
        verbose_name_plural = _("territoires")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reminder_days_before__lte=MAX_REMINDER_DAYS),
                name="territory_reminder_days_bounded",
            ),
            models.CheckConstraint(
                condition=models.Q(waiting_offer_hours__gte=1)
                & models.Q(waiting_offer_hours__lte=MAX_OFFER_HOURS),
                name="territory_offer_hours_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class StructureKind(models.TextChoices):
    PREFECTURE = "prefecture", _("Préfecture")
    MISSION_LOCALE = "mission_locale", _("Mission locale")
    SPIP = "spip", _("SPIP")
    PJJ = "pjj", _("PJJ")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    HOUSING = "housing", _("Logement (CLJT)")
    COMPANY = "company", _("Entreprise partenaire")
    OTHER = "other", _("Autre")


# The kinds of structure each role works at (domain.md): a role fits the kind of its
# structure, nothing else. Administrators are technical and fit any (or none).
ROLE_STRUCTURE_KINDS: dict[str, frozenset[str]] = {
    Role.COORDINATOR: frozenset({StructureKind.PREFECTURE}),
    Role.PILOT: frozenset({StructureKind.PREFECTURE}),
    Role.COUNSELLOR: frozenset(
        {
            StructureKind.MISSION_LOCALE,
            StructureKind.SPIP,
            StructureKind.PJJ,
            StructureKind.FRANCE_TRAVAIL,
            StructureKind.HOUSING,
            StructureKind.OTHER,
        }
    ),
    Role.RECRUITER: frozenset({StructureKind.COMPANY}),
}


def role_fits_structure(role: str, kind: str | None) -> bool:
    """Whether an account of this role may work at a structure of this kind."""
    kinds = ROLE_STRUCTURE_KINDS.get(role)
    return kinds is None or kind in kinds


def role_misfit_message(role: str, kind: str) -> str:
    fitting = sorted(str(StructureKind(k).label) for k in ROLE_STRUCTURE_KINDS[role])
    return _(
        "Le rôle « %(role)s » ne convient pas à une structure de type « %(kind)s » : "
        "choisissez une structure de type %(fitting)s, ou un autre rôle."
    ) % {
        "role": Role(role).label,
        "kind": StructureKind(kind).label,
        "fitting": " ou ".join(f"« {label} »" for label in fitting),
    }


def misfit_accounts_q() -> models.Q:
    """Accounts whose role does not fit the kind of their structure."""
    condition = models.Q(pk__in=[])
    for role, kinds in ROLE_STRUCTURE_KINDS.items():
        condition |= models.Q(role=role) & ~models.Q(structure__kind__in=kinds)
    return condition


class StructureQuerySet(models.QuerySet):
    def in_territory_of(self, user):
        if user.role == Role.ADMINISTRATOR:
            return self
        if user.territory_id is None:
            return self.none()
        return self.filter(territory_id=user.territory_id)


class Structure(models.Model):
    """The organisation a user works for, in one territory."""

    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=StructureKind.choices)
    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="structures", verbose_name=_("territoire")
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)

    objects = StructureQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = ["territory__code", "name"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="structure_unique_name")
        ]

    def __str__(self):
        return self.name


class UserQuerySet(models.QuerySet):
    def manageable_by(self, user):
        """Accounts a user may list and manage: a coordinator, their territory's."""
        if user.role == Role.ADMINISTRATOR:
            return self
        if user.role == Role.COORDINATOR and user.territory_id is not None:
            # The pilot's account is the administrator's to manage: a coordinator who could
            # change its e-mail address could read the access log that watches them.
            return self.filter(structure__territory_id=user.territory_id).exclude(
                role__in=[Role.ADMINISTRATOR, Role.PILOT]
            )
        return self.none()


class AccountManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMINISTRATOR)
        return super().create_superuser(username, email, password, **extra_fields)


class User(AbstractUser):
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)
    structure = models.ForeignKey(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("structure"),
    )
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    expires_on = models.DateField(
        _("fin d'accès"),
        null=True,
        blank=True,
        validators=DATE_VALIDATORS,
        help_text=_("Après cette date, le compte ne peut plus se connecter."),
    )

    objects = AccountManager()

    class Meta:
        verbose_name = _("compte")
        verbose_name_plural = _("comptes")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(role="administrator") | models.Q(structure__isnull=False),
                name="user_structure_unless_administrator",
            ),
        ]

    def __str__(self):
        return self.label(self.first_name, self.last_name, self.username)

    @staticmethod
    def label(first_name, last_name, username) -> str:
        """An account as it is shown (its full name, else its username), from plain values:
        lists that read values, not accounts, show it the same way."""
        return f"{first_name} {last_name}".strip() or username or ""

    def clean(self):
        super().clean()
        if self.structure_id and self.role and not self.role_fits_structure:
            raise ValidationError(
                {"role": role_misfit_message(self.role, self.structure.kind)}, code="misfit"
            )

    @property
    def role_fits_structure(self) -> bool:
        """An account whose role does not fit its structure (created before the rule) opens
        nothing: it cannot log in (see AccountBackend)."""
        if self.role == Role.ADMINISTRATOR or not self.role:
            return True
        return self.structure_id is not None and role_fits_structure(self.role, self.structure.kind)

    @property
    def territory_id(self):
        return self.structure.territory_id if self.structure_id else None

    @property
    def is_expired(self) -> bool:
        return self.expires_on is not None and self.expires_on < timezone.localdate()

    def get_session_auth_hash(self):
        """Sessions hold this hash: a new password or a new role ends every open session."""
        return salted_hmac(
            "pacte.User.session", f"{self.password}|{self.role}", algorithm="sha256"
        ).hexdigest()

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        role_changes = update_fields is None or "role" in update_fields
        if role_changes:
            self.is_staff = self.role in STAFF_ROLES
            self.is_superuser = self.role == Role.ADMINISTRATOR
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "is_staff", "is_superuser"}
        super().save(*args, **kwargs)
        if role_changes and self.role:
            self.groups.set([Group.objects.get(name=group_name(self.role))])


class AccessAction(models.TextChoices):
    READ = "read", _("Consultation")
    LIST = "list", _("Liste")
    EXPORT = "export", _("Export de fichier")
    CREATE = "create", _("Création")
    UPDATE = "update", _("Modification")
    DELETE = "delete", _("Suppression")
    ANONYMISE = "anonymise", _("Anonymisation")


# The pilot reads the access log of their territory (pacte.scoping).
ACCESS_LOG_READERS = TerritoryRule(Role.PILOT)


class AccessLogQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Entries a pilot (their territory) or an administrator may read."""
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.ADMINISTRATOR:
            return self
        return self.filter(ACCESS_LOG_READERS.q(user))


class AccessLog(models.Model):
    """Who read or wrote which record, when: never the data itself.

    Append-only: on PostgreSQL a trigger refuses any UPDATE, and any DELETE of an
    entry younger than one year (see migration 0002); `purge_access_log` removes
    the older ones.
    """

    at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("compte")
    )
    territory = models.ForeignKey(Territory, on_delete=models.PROTECT, null=True, related_name="+")
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    object_type = models.CharField(_("objet"), max_length=50)
    object_id = models.BigIntegerField(null=True)
    # A plain number, not a foreign key: the log outlives the file and never blocks it.
    participant_id = models.BigIntegerField(_("jeune n°"), null=True, db_index=True)
    path = models.CharField(max_length=300, blank=True)
    filters = models.JSONField(default=dict, blank=True)
    row_count = models.IntegerField(null=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal des accès")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.user_id} {self.action} {self.object_type}"


# Long work off the request (an export, an import): its own module, a model of this app.
# A territory's calendar years of the programme: their own package (models, screens).
from pacte.programme_years.models import Criteria, ProgrammeYear  # noqa: E402, F401
from pacte.stored_files.models import StoredFile  # noqa: E402, F401
from pacte.work.models import BackgroundWork, WorkKind, WorkStatus  # noqa: E402, F401
