from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret as siret_number

from pacte.bounds import (
    DATE_VALIDATORS,
    TEXT_MAX,
    date_constraint,
    text_constraint,
    text_validators,
)
from pacte.choices import Sector
from pacte.models import Structure, Territory
from pacte.roles import Role
from pacte.scoping import TerritoryRule

MAX_POSITIONS = 1_000  # positions of one job offer
MAX_COMMITTED = 10_000  # interviews, immersions, hires or workshops a partner commits to
COMMITTED = [MaxValueValidator(MAX_COMMITTED)]


def validate_siret(value):
    """14 digits whose Luhn checksum holds (La Poste's establishments included)."""
    try:
        siret_number.validate(value)
    except StdnumError as error:
        raise ValidationError(
            _("Ce SIRET n’est pas valide : vérifiez les 14 chiffres (clé de contrôle)."),
            code="invalid_siret",
        ) from error


class PartnerKind(models.TextChoices):
    EMPLOYER = "employer", _("Employeur")
    EMPLOYMENT_SERVICE = "employment_service", _("Service public de l’emploi")
    MISSION_LOCALE = "mission_locale", _("Mission locale")
    HOUSING = "housing", _("Logement")
    JUSTICE = "justice", _("Justice (SPIP, PJJ)")
    TRAINING = "training", _("Organisme de formation")
    ASSOCIATION = "association", _("Association")

    @classmethod
    def institutions(cls):
        """Kinds for which a SIRET may be left out."""
        return {cls.EMPLOYMENT_SERVICE, cls.MISSION_LOCALE, cls.JUSTICE}


# The staff read the partners of their territory (pacte.scoping).
STAFF_OF_THE_TERRITORY = TerritoryRule(Role.COORDINATOR, Role.PILOT, Role.COUNSELLOR)


class PartnerQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.ADMINISTRATOR:
            return self
        if user.role == Role.RECRUITER:
            # A recruiter sees their own organisation, nothing else.
            return self.filter(structure_id=user.structure_id) if user.structure_id else self.none()
        return self.filter(STAFF_OF_THE_TERRITORY.q(user))


class PartnerChildQuerySet(models.QuerySet):
    """A partner's contacts, offers and commitments: visible with their partner."""

    def visible_to(self, user):
        return self.filter(partner__in=Partner.objects.visible_to(user))


class Partner(models.Model):
    """A company or institution the programme works with."""

    territory = models.ForeignKey(
        Territory, on_delete=models.PROTECT, related_name="partners", verbose_name=_("territoire")
    )
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=PartnerKind.choices)
    sector = models.CharField(_("secteur"), max_length=20, choices=Sector.choices, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    website = models.URLField(_("site internet"), blank=True)
    agreement_signed_on = models.DateField(
        _("convention signée le"), null=True, blank=True, validators=DATE_VALIDATORS
    )
    agreement_ends_on = models.DateField(
        _("convention valable jusqu’au"), null=True, blank=True, validators=DATE_VALIDATORS
    )
    is_active = models.BooleanField(_("actif"), default=True)
    notes = models.TextField(
        _("notes"), blank=True, max_length=TEXT_MAX, validators=text_validators()
    )
    # Set when the partner's people log in (recruiters, mission locale, SPIP).
    structure = models.OneToOneField(
        Structure,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="partner",
        verbose_name=_("structure liée"),
    )

    history = HistoricalRecords()
    objects = PartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["territory", "name"], name="partner_unique_name"),
            date_constraint("partner", "agreement_signed_on", "agreement_ends_on"),
            text_constraint("partner", "notes"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if not self.siret and self.kind and self.kind not in PartnerKind.institutions():
            raise ValidationError(
                {"siret": _("Le SIRET est obligatoire pour ce type de partenaire.")}
            )
        if (
            self.agreement_signed_on
            and self.agreement_ends_on
            and self.agreement_ends_on < self.agreement_signed_on
        ):
            raise ValidationError(
                {"agreement_ends_on": _("La fin de la convention doit suivre sa signature.")}
            )
        if self.structure_id and self.structure.territory_id != self.territory_id:
            raise ValidationError(
                {"structure": _("La structure liée doit être du même territoire.")}
            )


class Contact(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="contacts")
    name = models.CharField(_("nom"), max_length=200)
    role = models.CharField(_("fonction"), max_length=200, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    is_recruiter = models.BooleanField(_("recrute lors des job-datings"), default=False)

    history = HistoricalRecords()

    objects = PartnerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact")
        ordering = ["name", "pk"]

    def __str__(self):
        return self.name


class ContractType(models.TextChoices):
    CDI = "cdi", _("CDI")
    CDD = "cdd", _("CDD")
    TEMPING = "temping", _("Intérim")
    ALTERNANCE = "alternance", _("Apprentissage ou alternance")
    IMMERSION = "immersion", _("Immersion (PMSMP)")


class OfferStatus(models.TextChoices):
    OPEN = "open", _("Ouverte")
    FILLED = "filled", _("Pourvue")
    CLOSED = "closed", _("Fermée")


class JobOffer(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="offers")
    title = models.CharField(_("intitulé"), max_length=200)
    contract_type = models.CharField(_("contrat"), max_length=20, choices=ContractType.choices)
    place = models.CharField(_("lieu"), max_length=200, blank=True)
    positions = models.PositiveSmallIntegerField(
        _("postes"), default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_POSITIONS)]
    )
    open_from = models.DateField(_("ouverte du"), null=True, blank=True, validators=DATE_VALIDATORS)
    open_until = models.DateField(_("au"), null=True, blank=True, validators=DATE_VALIDATORS)
    status = models.CharField(
        _("état"), max_length=10, choices=OfferStatus.choices, default=OfferStatus.OPEN
    )

    history = HistoricalRecords()

    objects = PartnerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("offre d’emploi")
        verbose_name_plural = _("offres d’emploi")
        ordering = ["-open_from", "title", "pk"]
        constraints = [
            date_constraint("joboffer", "open_from", "open_until"),
            models.CheckConstraint(
                condition=models.Q(positions__gte=1, positions__lte=MAX_POSITIONS),
                name="joboffer_positions_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_contract_type_display()})"


class Commitment(models.Model):
    """What a partner committed to for a programme year. Delivery is counted, never typed."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="commitments")
    programme_year = models.ForeignKey(
        "pacte.ProgrammeYear",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("année du programme"),
    )
    interviews = models.PositiveIntegerField(_("entretiens"), default=0, validators=COMMITTED)
    immersions = models.PositiveIntegerField(_("immersions"), default=0, validators=COMMITTED)
    hires = models.PositiveIntegerField(_("embauches"), default=0, validators=COMMITTED)
    workshops = models.PositiveIntegerField(_("ateliers animés"), default=0, validators=COMMITTED)

    history = HistoricalRecords()

    objects = PartnerChildQuerySet.as_manager()

    class Meta:
        verbose_name = _("engagement")
        ordering = ["-programme_year__year", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partner", "programme_year"], name="commitment_once_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(
                    interviews__lte=MAX_COMMITTED,
                    immersions__lte=MAX_COMMITTED,
                    hires__lte=MAX_COMMITTED,
                    workshops__lte=MAX_COMMITTED,
                ),
                name="commitment_bounded",
            ),
        ]

    def __str__(self):
        return f"{self.partner} — {self.programme_year}"
