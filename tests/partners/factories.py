"""Factories of partners, their contacts, job offers and commitments (tests)."""

import datetime as dt

import factory
from factory.django import DjangoModelFactory

from pacte.factories import TerritoryFactory
from participants.factories import ProgrammeYearFactory
from partners.models import (
    Commitment,
    Contact,
    ContractType,
    JobOffer,
    OfferStatus,
    Partner,
    PartnerKind,
    Sector,
)


def luhn_complete(base: str) -> str:
    """Append the Luhn check digit (a SIREN and the whole SIRET each carry one)."""
    for last in "0123456789":
        candidate = base + last
        total = 0
        for index, char in enumerate(reversed(candidate)):
            digit = int(char) * (2 if index % 2 else 1)
            total += digit - 9 if digit > 9 else digit
        if total % 10 == 0:
            return candidate
    raise ValueError(base)


def fictitious_siret(n: int) -> str:
    """A valid SIRET: a Luhn-valid SIREN, an establishment number, the SIRET's own key."""
    siren = luhn_complete(f"{52000000 + n * 13:08d}"[-8:])
    return luhn_complete(f"{siren}{n % 10000:04d}")


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner

    territory = factory.SubFactory(TerritoryFactory)
    name = factory.Sequence(lambda n: f"Partenaire {n:04d}")
    kind = PartnerKind.EMPLOYER
    sector = Sector.RETAIL
    siret = factory.Sequence(fictitious_siret)
    address = "5 rue Leblanc, 75015 Paris"
    agreement_signed_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=200))
    agreement_ends_on = factory.LazyFunction(lambda: dt.date.today() + dt.timedelta(days=365))
    is_active = True


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = Contact

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Faker("name", locale="fr_FR")
    role = "Responsable recrutement"
    email = factory.Sequence(lambda n: f"contact{n}@entreprise.exemple.fr")
    phone = "01 23 45 67 89"
    is_recruiter = True


class JobOfferFactory(DjangoModelFactory):
    class Meta:
        model = JobOffer

    partner = factory.SubFactory(PartnerFactory)
    title = factory.Sequence(lambda n: f"Employé·e libre-service {n}")
    contract_type = ContractType.CDI
    place = "Paris"
    positions = 2
    open_from = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=10))
    status = OfferStatus.OPEN


class CommitmentFactory(DjangoModelFactory):
    class Meta:
        model = Commitment

    partner = factory.SubFactory(PartnerFactory)
    programme_year = factory.SubFactory(
        ProgrammeYearFactory, territory=factory.SelfAttribute("..partner.territory")
    )
    interviews = 20
    immersions = 5
    hires = 3
    workshops = 1
