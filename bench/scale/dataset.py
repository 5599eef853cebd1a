"""The national-scale dataset, generated in Python and streamed to PostgreSQL with COPY.

Every count follows the number of participants (`Plan`); every random choice comes
from a generator seeded by `seed` and the part's name, and every date is counted
from `anchor`: the same seed and anchor give the same rows. The Builder is made of
parts: the reference and partners here, the young people in bench.scale.participants,
the Café-métiers in bench.scale.events.
"""

import datetime as dt
import math
from dataclasses import dataclass, field

from bench.scale import names
from bench.scale.common import (
    COUNSELLOR_STRUCTURES,
    FOLLOW_UPS_PER_PARTICIPANT,
    LARGEST_SHARE,
    PARTICIPANTS_PER_COUNSELLOR,
    PARTICIPANTS_PER_EVENT,
    PARTNERS_PER_100_PARTICIPANTS,
    TABLES_PER_EVENT,
    YEARS,
    rng_for,
    ts,
)
from bench.scale.copy import Table, copy_lines, copy_rows
from bench.scale.events import EventsPart
from bench.scale.participants import ParticipantsPart

STRUCTURES = [
    ("Préfecture — {name}", "prefecture"),
    ("Mission locale — {name}", "mission_locale"),
    ("Mission locale — {name} (antenne)", "mission_locale"),
    ("SPIP — {name}", "spip"),
    ("PJJ — {name}", "pjj"),
    ("France Travail — {name}", "france_travail"),
    ("CLJT — {name}", "housing"),
]
# Indexes into STRUCTURES of those whose counsellors follow young people.
FOLLOWING = [1, 2, 3, 4]
# The referrers' indexes (SPIP, PJJ, MISSION_LOCALE) are in bench.scale.participants.


def allocate(total: int, weights: list[float]) -> list[int]:
    """Split total into integers proportional to weights (largest remainder)."""
    scale = sum(weights)
    exact = [total * w / scale for w in weights]
    parts = [math.floor(x) for x in exact]
    order = sorted(range(len(weights)), key=lambda i: exact[i] - parts[i], reverse=True)
    for i in order[: total - sum(parts)]:
        parts[i] += 1
    return parts


@dataclass
class Plan:
    """How many rows of each kind, for a number of participants."""

    participants: int
    territories: int = field(init=False)
    follow_ups: int = field(init=False)
    events: int = field(init=False)
    partners: int = field(init=False)

    def __post_init__(self):
        n = self.participants
        self.territories = min(len(names.DEPARTEMENTS), max(2, math.ceil(n / 990)))
        self.follow_ups = FOLLOW_UPS_PER_PARTICIPANT * n
        self.events = max(1, n // PARTICIPANTS_PER_EVENT)
        self.partners = max(3, PARTNERS_PER_100_PARTICIPANTS * n // 100)

    @property
    def weights(self):
        rest = (1 - LARGEST_SHARE) / (self.territories - 1)
        return [LARGEST_SHARE] + [rest] * (self.territories - 1)


@dataclass
class Territory:
    id: int
    code: str
    name: str
    structure_ids: list[int] = field(default_factory=list)
    coordinator_id: int = 0
    pilot_id: int = 0
    counsellors: list[tuple[int, int]] = field(default_factory=list)  # (user id, structure id)
    year_ids: dict[int, int] = field(default_factory=dict)
    size: int = 0
    participant_ids: list[int] = field(default_factory=list)  # in no particular order
    partner_ids: list[int] = field(default_factory=list)
    employer_ids: list[int] = field(default_factory=list)
    events: int = 0
    partners: int = 0


def _siret(rng) -> str:
    """14 digits whose Luhn checksum holds."""
    digits = [rng.randrange(10) for _ in range(13)]
    total = 0
    for index, digit in enumerate(reversed(digits)):
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return "".join(map(str, digits)) + str((10 - total % 10) % 10)


class Builder(ParticipantsPart, EventsPart):
    """Builds the dataset part by part; each part COPYs its tables and records counts."""

    def __init__(self, cursor, *, participants: int, seed: int, anchor: dt.date, group_ids):
        self.cursor = cursor
        self.plan = Plan(participants)
        self.seed = seed
        self.anchor = anchor
        self.group_ids = group_ids  # role -> auth_group id
        self.counts: dict[str, int] = {}
        self.territories: list[Territory] = []
        self.days = [(anchor - dt.timedelta(days=k)).isoformat() for k in range(1500)]

    def _copy(self, table, rows):
        """COPY rows, dicts of the model's field names, into the model's table."""
        self.counts[table] = self.counts.get(table, 0) + copy_rows(self.cursor, table, rows)

    def _copy_lines(self, table: Table, lines):
        """COPY lines written by table.line() (rows kept as text, not dicts, meanwhile)."""
        self.counts[table.name] = self.counts.get(table.name, 0) + copy_lines(
            self.cursor, table, lines
        )

    # Territories, structures, accounts, programme years --------------------------

    def build_reference(self):
        plan, rng = self.plan, rng_for(self.seed, "reference")
        people = allocate(plan.participants, plan.weights)
        events = allocate(plan.events, plan.weights)
        partners = allocate(plan.partners, plan.weights)
        for index, (code, name) in enumerate(names.DEPARTEMENTS[: plan.territories]):
            territory = Territory(index + 1, code, name)
            territory.size = people[index]
            territory.events = events[index]
            territory.partners = max(TABLES_PER_EVENT, partners[index])
            self.territories.append(territory)
        self._copy(
            "pacte_territory",
            (
                {
                    "id": t.id,
                    "code": t.code,
                    "name": t.name,
                    "prefecture_name": f"Préfecture — {t.name}",
                }
                for t in self.territories
            ),
        )
        structures = []
        for territory in self.territories:
            for pattern, kind in STRUCTURES:
                structure_id = len(structures) + 1
                territory.structure_ids.append(structure_id)
                structures.append(
                    {
                        "id": structure_id,
                        "name": pattern.format(name=territory.name),
                        "kind": kind,
                        "email": "",
                        "phone": "",
                        "territory_id": territory.id,
                    }
                )
        self._copy("pacte_structure", structures)
        self._build_accounts(rng)
        years = []
        for territory in self.territories:
            for year in range(self.anchor.year - YEARS + 1, self.anchor.year + 1):
                territory.year_ids[year] = len(years) + 1
                years.append(
                    {
                        "id": len(years) + 1,
                        "year": year,
                        "criteria": "prison_leavers",
                        "target_participants": 100,
                        "target_events": 3,
                        "territory_id": territory.id,
                    }
                )
        self._copy("participants_programmeyear", years)

    def _build_accounts(self, rng):
        users, groups = [], []
        joined = ts(self.anchor - dt.timedelta(days=1000))

        def add(username, role, structure_id, staff=False):
            user_id = len(users) + 1
            first = rng.choice(names.FIRST_NAMES)
            last = rng.choice(names.LAST_NAMES)
            email = f"{username}@example.gouv.fr"
            users.append(
                {
                    "id": user_id,
                    "password": "!unusable-scale-dataset",
                    "last_login": None,
                    "is_superuser": False,
                    "username": username,
                    "first_name": first,
                    "last_name": last,
                    "email": email,
                    "is_staff": staff,
                    "is_active": True,
                    "date_joined": joined,
                    "role": role,
                    "phone": "",
                    "expires_on": None,
                    "structure_id": structure_id,
                }
            )
            groups.append({"id": user_id, "user_id": user_id, "group_id": self.group_ids[role]})
            return user_id

        for territory in self.territories:
            code = territory.code.lower()
            prefecture = territory.structure_ids[0]
            territory.coordinator_id = add(f"coordination-{code}", "coordinator", prefecture, True)
            territory.pilot_id = add(f"pilote-{code}", "pilot", prefecture)
            counsellors = max(
                COUNSELLOR_STRUCTURES,
                math.ceil(territory.size / PARTICIPANTS_PER_COUNSELLOR),
            )
            for number in range(counsellors):
                structure_id = territory.structure_ids[FOLLOWING[number % len(FOLLOWING)]]
                user_id = add(f"conseil-{code}-{number + 1:04d}", "counsellor", structure_id)
                territory.counsellors.append((user_id, structure_id))
        self._copy("pacte_user", users)
        self._copy("pacte_user_groups", groups)

    # Partners ----------------------------------------------------------------------

    def build_partners(self):
        rng = rng_for(self.seed, "partners")
        partners, contacts, offers, commitments = [], [], [], []
        kinds = ["employer"] * 16 + ["training", "association", "employment_service", "housing"]
        sectors = [
            "retail",
            "logistics",
            "hospitality",
            "construction",
            "cleaning",
            "security",
            "services",
        ]
        for territory in self.territories:
            used = set()
            for number in range(territory.partners):
                partner_id = len(partners) + 1
                kind = "employer" if number < TABLES_PER_EVENT else rng.choice(kinds)
                name = f"{rng.choice(names.PARTNER_BRANDS)} {rng.choice(names.PARTNER_WORDS)}"
                if name in used:
                    name = f"{name} ({number + 1})"
                used.add(name)
                signed = self.anchor - dt.timedelta(days=rng.randrange(0, 1000))
                partners.append(
                    {
                        "id": partner_id,
                        "name": name,
                        "kind": kind,
                        "sector": rng.choice(sectors) if kind == "employer" else "",
                        "siret": _siret(rng) if kind != "employment_service" else "",
                        "address": (
                            f"{rng.randrange(1, 120)} {rng.choice(names.STREETS)}, {territory.name}"
                        ),
                        "website": "",
                        "agreement_signed_on": signed,
                        "agreement_ends_on": signed + dt.timedelta(days=3 * 365),
                        "is_active": rng.random() < 0.9,
                        "notes": "",
                        "structure_id": None,
                        "territory_id": territory.id,
                    }
                )
                territory.partner_ids.append(partner_id)
                if kind == "employer":
                    territory.employer_ids.append(partner_id)
                for _ in range(2):
                    contact = f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}"
                    contacts.append(
                        {
                            "id": len(contacts) + 1,
                            "name": contact,
                            "role": rng.choice(
                                ["Responsable RH", "Directeur de magasin", "Chargée"]
                            ),
                            "email": f"contact{len(contacts) + 1}@example.com",
                            "phone": "",
                            "is_recruiter": rng.random() < 0.5,
                            "partner_id": partner_id,
                        }
                    )
                offers.append(
                    {
                        "id": len(offers) + 1,
                        "title": rng.choice(names.OFFER_TITLES),
                        "contract_type": rng.choice(
                            ["cdi", "cdd", "temping", "alternance", "immersion"]
                        ),
                        "place": territory.name,
                        "positions": rng.randrange(1, 5),
                        "open_from": signed,
                        "open_until": None,
                        "status": rng.choice(["open", "open", "filled", "closed"]),
                        "partner_id": partner_id,
                    }
                )
                if number % 3 == 0:
                    commitments.append(
                        {
                            "id": len(commitments) + 1,
                            "interviews": rng.randrange(0, 20),
                            "immersions": rng.randrange(0, 5),
                            "hires": rng.randrange(0, 5),
                            "workshops": rng.randrange(0, 3),
                            "programme_year_id": territory.year_ids[self.anchor.year],
                            "partner_id": partner_id,
                        }
                    )
        self._copy("partners_partner", partners)
        self._copy("partners_contact", contacts)
        self._copy("partners_joboffer", offers)
        self._copy("partners_commitment", commitments)
