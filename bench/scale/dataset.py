"""The national-scale dataset, generated in Python and streamed to PostgreSQL with COPY.

Every count follows the number of participants (`Plan`); every random choice comes
from a generator seeded by `seed` and the part's name, and every date is counted
from `anchor`: the same seed and anchor give the same rows.
"""

import datetime as dt
import math
from array import array
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta

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
from participants.eligibility import search_key

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
SPIP, PJJ, MISSION_LOCALE = 3, 4, 1


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


def _postal_code(rng, code):
    if code.startswith("97"):
        return f"{code}{rng.randrange(10, 90)}"
    prefix = "20" if code in {"2A", "2B"} else code
    return f"{prefix}{rng.randrange(0, 1000):03d}"


class Builder(EventsPart):
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

    # Participants ----------------------------------------------------------------

    def _follow_up_counts(self, rng):
        n = self.plan.participants
        counts = array("B", (rng.randint(0, 2 * FOLLOW_UPS_PER_PARTICIPANT) for _ in range(n)))
        diff = self.plan.follow_ups - sum(counts)
        while diff:
            i = rng.randrange(n)
            if diff > 0 and counts[i] < 4 * FOLLOW_UPS_PER_PARTICIPANT:
                counts[i] += 1
                diff -= 1
            elif diff < 0 and counts[i] > 0:
                counts[i] -= 1
                diff += 1
        return counts

    def _enrol(self):
        """Ids in enrolment order, as a national installation hands them out: the rows of
        a territory lie scattered in the table, not in one block."""
        rng = rng_for(self.seed, "enrolment")
        people = [
            (rng.randrange(0, 365 * YEARS - 10), territory)
            for territory in self.territories
            for _ in range(territory.size)
        ]
        order = sorted(range(len(people)), key=lambda i: (-people[i][0], i))
        self.enrolled = array("H", bytes(2 * (len(people) + 1)))
        self.territory_of = [None] * (len(people) + 1)
        for rank, index in enumerate(order, start=1):
            days, territory = people[index]
            territory.participant_ids.append(rank)
            self.enrolled[rank] = days
            self.territory_of[rank] = territory
        for territory in self.territories:
            rng.shuffle(territory.participant_ids)

    def build_participants(self):
        self._enrol()
        rng = rng_for(self.seed, "participants")
        n = self.plan.participants
        self.fu_counts = self._follow_up_counts(rng)
        # Follow-ups by day (days before the anchor): written in date order, as they come.
        self.fu_days = [array("I") for _ in range(365 * YEARS)]
        self.referent = array("I", bytes(4 * (n + 1)))
        self.status = {}
        self.leaving_prison = bytearray(n + 1)
        statuses = ["referred"] + ["active"] * 6 + ["suspended"] + ["exited"] * 2
        levels = ["none", "college", "cap_unfinished", "bac_unfinished", "cap"]
        sectors = [["retail"], ["logistics", "retail"], [], ["hospitality"], []]
        table = Table("participants_participant")
        rows = [""] * (n + 1)
        for territory in self.territories:
            for pid in territory.participant_ids:
                first = rng.choice(names.FIRST_NAMES)
                last = rng.choice(names.LAST_NAMES)
                if rng.random() < 0.1:
                    last = f"{last}-{rng.choice(names.LAST_NAMES)}"
                enrolled_off = self.enrolled[pid]
                enrolled_on = self.anchor - dt.timedelta(days=enrolled_off)
                year = max(enrolled_on.year, self.anchor.year - YEARS + 1)
                count = self.fu_counts[pid - 1]
                offsets = [rng.randint(0, enrolled_off) for _ in range(count)]
                for offset in offsets:
                    self.fu_days[offset].append(pid)
                last_follow_up = self.days[min(offsets)] if offsets else None
                status = rng.choice(statuses)
                self.status[pid] = status
                referent, in_charge = rng.choice(territory.counsellors)
                self.referent[pid] = referent
                prison = rng.random() < 0.8
                self.leaving_prison[pid] = prison
                referrer = territory.structure_ids[
                    rng.choice([SPIP, SPIP, SPIP, PJJ, MISSION_LOCALE])
                ]
                birth = enrolled_on - dt.timedelta(days=rng.randrange(16 * 365 + 5, 25 * 365))
                key = search_key(first, last)
                created = ts(enrolled_on, "09:00:00")
                rows[pid] = table.line(
                    {
                        "id": pid,
                        "status": status,
                        "first_name": first,
                        "last_name": last,
                        "search_name": key,
                        "birth_date": birth,
                        "phone": f"+336{rng.randrange(10**7, 10**8)}",
                        "email": f"{key.replace(' ', '.')}@example.org",
                        "preferred_channel": "sms",
                        "address": f"{rng.randrange(1, 150)} {rng.choice(names.STREETS)}",
                        "postal_code": _postal_code(rng, territory.code),
                        "city": territory.name,
                        "lives_in_qpv": rng.random() < 0.7,
                        "legal_rep_name": "",
                        "legal_rep_phone": "",
                        "legal_rep_email": "",
                        "legal_rep_consent_on": None,
                        "education_level": rng.choice(levels),
                        "school_dropout": rng.random() < 0.5,
                        "employment_situation": "unemployed",
                        "leaving_prison": prison,
                        "wished_sectors": rng.choice(sectors),
                        "wished_trades": "",
                        "mobility": "",
                        "imilo_id": "",
                        "france_travail_id": "",
                        "referred_on": enrolled_on - dt.timedelta(days=14),
                        "referrer_name": "",
                        "stand_in_until": None,
                        "consent_on": enrolled_on,
                        "consent_scope": "Suivi renforcé dans le cadre du programme",
                        "enrolled_on": enrolled_on,
                        "eligibility_override_reason": "",
                        "last_follow_up_on": last_follow_up,
                        "created_at": created,
                        "updated_at": created,
                        "referent_id": referent,
                        "referred_by_id": referrer,
                        "stand_in_id": None,
                        "structure_in_charge_id": in_charge,
                        "territory_id": territory.id,
                        "programme_year_id": territory.year_ids[year],
                    }
                )
        self._copy_lines(table, rows[1:])

    def build_follow_ups(self):
        rng = rng_for(self.seed, "follow_ups")
        days, referent = self.days, self.referent
        kinds = ["interview", "interview", "phone", "phone", "visit", "workshop", "message"]
        summaries = names.FOLLOW_UP_SUMMARIES
        steps = names.NEXT_STEPS
        choice = rng.choice

        def rows():
            follow_up_id = 0
            for offset in range(len(self.fu_days) - 1, -1, -1):  # the oldest day first
                day = days[offset]
                for pid in self.fu_days[offset]:
                    follow_up_id += 1
                    yield {
                        "id": follow_up_id,
                        "happened_on": day,
                        "kind": choice(kinds),
                        "summary": choice(summaries),
                        "next_step": choice(steps),
                        "next_contact_on": None,
                        "created_at": f"{day} 10:00:00+00",
                        "author_id": referent[pid],
                        "participant_id": pid,
                    }

        self._copy("participants_followup", rows())
        del self.fu_days

    # The path: justice measures, status changes, plan actions, outcomes, tasks ---------

    def build_path(self):
        rng = rng_for(self.seed, "path")
        justice, changes, actions, outcomes, tasks = [], [], [], [], []
        kinds = ["semi_liberte", "placement_exterieur", "ddse", "liberation_conditionnelle"]
        job_kinds = ["cdi", "cdd_long", "cdd_short", "temping_short", "alternance", "training"]
        exit_kinds = ["exit_abandoned", "exit_moved", "exit_contact_lost"]
        labels = {
            "cdi": "CDI",
            "cdd_long": "CDD de 6 mois ou plus",
            "cdd_short": "CDD de moins de 6 mois",
            "temping_short": "Intérim de moins de 6 mois",
            "alternance": "Apprentissage ou alternance",
            "training": "Formation",
        }
        for pid in range(1, self.plan.participants + 1):  # in enrolment order, like real rows
            territory = self.territory_of[pid]
            referent = self.referent[pid]
            enrolled_on = self.anchor - dt.timedelta(days=self.enrolled[pid])
            status = self.status[pid]
            if self.leaving_prison[pid]:
                ends_on = self.anchor + dt.timedelta(days=rng.randint(-300, 400))
                kind = rng.choice(kinds)
                semi = kind == "semi_liberte"
                justice.append(
                    {
                        "id": len(justice) + 1,
                        "kind": kind,
                        "starts_on": ends_on - dt.timedelta(days=rng.randint(90, 540)),
                        "ends_on": ends_on,
                        "spip_counsellor": "",
                        "out_from": dt.time(8) if semi else None,
                        "out_until": dt.time(19) if semi else None,
                        "notes": "",
                        "updated_at": ts(enrolled_on),
                        "updated_by_id": referent,
                        "participant_id": pid,
                    }
                )
            referred_at = ts(enrolled_on - dt.timedelta(days=14))

            change = {"changed_by_id": referent, "participant_id": pid}
            changes.append(
                change
                | {
                    "id": len(changes) + 1,
                    "from_status": "",
                    "to_status": "referred",
                    "changed_at": referred_at,
                    "reason": "Orientation",
                }
            )
            if status != "referred":
                changes.append(
                    change
                    | {
                        "id": len(changes) + 1,
                        "from_status": "referred",
                        "to_status": "active",
                        "changed_at": ts(enrolled_on),
                        "reason": "Entrée",
                    }
                )
            if status in {"suspended", "exited"}:
                changes.append(
                    change
                    | {
                        "id": len(changes) + 1,
                        "from_status": "active",
                        "to_status": status,
                        "changed_at": ts(self.anchor),
                        "reason": "",
                    }
                )
            for _ in range(2):
                category, description = rng.choice(names.PLAN_ACTIONS)
                partner = rng.choice(territory.partner_ids) if rng.random() < 0.3 else None
                actions.append(
                    {
                        "id": len(actions) + 1,
                        "category": category,
                        "description": description,
                        "status": rng.choice(["planned", "in_progress", "done", "cancelled"]),
                        "due_on": enrolled_on + dt.timedelta(days=rng.randint(10, 200)),
                        "created_at": ts(enrolled_on),
                        "created_by_id": referent,
                        "participant_id": pid,
                        "partner_id": partner,
                    }
                )
            if status == "exited" or (status == "active" and rng.random() < 0.15):
                outcome_id = len(outcomes) + 1
                kind = rng.choice(job_kinds + (exit_kinds if status == "exited" else []))
                starts_on = enrolled_on + dt.timedelta(
                    days=rng.randint(0, max(0, self.enrolled[pid]))
                )
                employer = rng.choice(territory.employer_ids) if rng.random() < 0.4 else None
                outcomes.append(
                    {
                        "id": outcome_id,
                        "kind": kind,
                        "starts_on": starts_on,
                        "employer_name": "" if kind in exit_kinds else "Entreprise du territoire",
                        "created_at": ts(starts_on),
                        "employer_id": employer,
                        "recorded_by_id": referent,
                        "participant_id": pid,
                    }
                )
                if kind in labels:
                    for months in (3, 6, 12):
                        due = starts_on + relativedelta(months=months)
                        done = due < self.anchor - dt.timedelta(days=7)
                        tasks.append(
                            {
                                "id": len(tasks) + 1,
                                "kind": "outcome_check",
                                "title": f"Vérifier à {months} mois : {labels[kind]}",
                                "due_on": due,
                                "done_at": ts(due + dt.timedelta(days=3)) if done else None,
                                "check_months": months,
                                "maintained": (rng.random() < 0.75) if done else None,
                                "created_at": ts(starts_on),
                                "assignee_id": referent,
                                "done_by_id": referent if done else None,
                                "outcome_id": outcome_id,
                                "participant_id": pid,
                            }
                        )
        self._copy("participants_justicemeasure", justice)
        self._copy("participants_statuschange", changes)
        self._copy("participants_planaction", actions)
        self._copy("participants_outcome", outcomes)
        self._copy("participants_task", tasks)
