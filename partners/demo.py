"""The partners of the 2018 communiqué, with fictitious (but valid) SIRET numbers."""

import datetime as dt

from django.utils import timezone

from pacte.models import ProgrammeYear
from partners.models import Commitment, Contact, JobOffer, Partner, PartnerKind, Sector


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


def fictitious_siret(seed: int) -> str:
    siren = luhn_complete(f"{81234567 + seed * 7:08d}")
    return luhn_complete(f"{siren}0001")


# name, kind, sector, linked structure (people who log in), offers
PARTNERS = [
    (
        "Lidl",
        PartnerKind.EMPLOYER,
        Sector.RETAIL,
        "Lidl",
        [("Employé·e libre-service", "cdi", 3), ("Préparateur·rice de commandes", "cdd", 2)],
    ),
    (
        "Carrefour",
        PartnerKind.EMPLOYER,
        Sector.RETAIL,
        "Carrefour",
        [("Hôte·sse de caisse", "cdd", 4)],
    ),
    (
        "Galeries Lafayette",
        PartnerKind.EMPLOYER,
        Sector.RETAIL,
        "Galeries Lafayette",
        [("Vendeur·se en alternance", "alternance", 2)],
    ),
    (
        "Franprix — Groupe Géant Casino",
        PartnerKind.EMPLOYER,
        Sector.RETAIL,
        "Franprix — Groupe Géant Casino",
        [("Employé·e de magasin", "cdi", 2)],
    ),
    (
        "Akor-Alternance",
        PartnerKind.TRAINING,
        Sector.RETAIL,
        "Akor-Alternance",
        [("Apprenti·e commerce", "alternance", 5)],
    ),
    (
        "France Travail Paris",
        PartnerKind.EMPLOYMENT_SERVICE,
        Sector.PUBLIC,
        "France Travail Paris",
        [],
    ),
    (
        "Mission locale de Paris",
        PartnerKind.MISSION_LOCALE,
        Sector.PUBLIC,
        "Mission locale de Paris",
        [],
    ),
    ("CLJT Didot", PartnerKind.HOUSING, Sector.SERVICES, "CLJT Didot", []),
    ("SPIP de Paris", PartnerKind.JUSTICE, Sector.PUBLIC, "SPIP de Paris", []),
]


def build_partners(*, territory, structures):
    today = timezone.localdate()
    year = ProgrammeYear.objects.get(territory=territory, year=today.year)
    partners = {}
    for index, (name, kind, sector, structure_name, offers) in enumerate(PARTNERS):
        partner, created = Partner.objects.get_or_create(
            territory=territory,
            name=name,
            defaults={
                "kind": kind,
                "sector": sector,
                "siret": "" if kind in PartnerKind.institutions() else fictitious_siret(index),
                "address": "Paris",
                "agreement_signed_on": dt.date(today.year, 1, 15),
                "agreement_ends_on": today + dt.timedelta(days=60 if index == 1 else 400),
                "structure": structures.get(structure_name),
            },
        )
        partners[name] = partner
        if not created:
            continue
        Contact.objects.create(
            partner=partner,
            name=f"Contact {name}",
            role="Responsable recrutement",
            is_recruiter=bool(offers),
            email=f"recrutement@{index}.exemple.fr",
        )
        for title, contract, positions in offers:
            JobOffer.objects.create(
                partner=partner,
                title=title,
                contract_type=contract,
                positions=positions,
                place="Paris",
                open_from=today - dt.timedelta(days=30),
            )
        if kind == PartnerKind.EMPLOYER:
            Commitment.objects.create(
                partner=partner,
                programme_year=year,
                interviews=20,
                immersions=5,
                hires=3,
                workshops=1,
            )
    return partners
