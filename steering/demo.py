"""The demo programme built by `seed_demo`: the partners of the 2018 communiqué.

Everything is created with get-or-create on natural keys, so running it again
changes nothing.
"""

import factory.random
from django.db import transaction

from events.demo import build_events
from pacte.factories import DEMO_PASSWORD, StructureFactory, TerritoryFactory, UserFactory
from pacte.models import StructureKind
from pacte.roles import Role
from participants.demo import build_cell_meetings, build_participants
from partners.demo import build_partners

SEED = 2018

PARIS_STRUCTURES = [
    ("Préfecture de Paris", StructureKind.PREFECTURE),
    ("Mission locale de Paris", StructureKind.MISSION_LOCALE),
    ("SPIP de Paris", StructureKind.SPIP),
    ("PJJ — Direction territoriale de Paris", StructureKind.PJJ),
    ("France Travail Paris", StructureKind.FRANCE_TRAVAIL),
    ("CLJT Didot", StructureKind.HOUSING),
    ("Lidl", StructureKind.COMPANY),
    ("Carrefour", StructureKind.COMPANY),
    ("Galeries Lafayette", StructureKind.COMPANY),
    ("Franprix — Groupe Géant Casino", StructureKind.COMPANY),
    ("Akor-Alternance", StructureKind.COMPANY),
]

SEINE_SAINT_DENIS_STRUCTURES = [
    ("Préfecture de la Seine-Saint-Denis", StructureKind.PREFECTURE),
    ("Mission locale de Bobigny", StructureKind.MISSION_LOCALE),
]

# username, first name, last name, role, structure name
DEMO_ACCOUNTS = [
    ("admin", "Alix", "Martin", Role.ADMINISTRATOR, None),
    ("coordination", "Claire", "Dubois", Role.COORDINATOR, "Préfecture de Paris"),
    ("pilote", "Philippe", "Moreau", Role.PILOT, "Préfecture de Paris"),
    ("conseiller", "Karim", "Benali", Role.COUNSELLOR, "Mission locale de Paris"),
    ("conseiller2", "Sophie", "Lefèvre", Role.COUNSELLOR, "SPIP de Paris"),
    ("recruteur", "Julien", "Garnier", Role.RECRUITER, "Lidl"),
    ("coordination2", "Nadia", "Haddad", Role.COORDINATOR, "Préfecture de la Seine-Saint-Denis"),
]

# More counsellors, so lists look like a real territory's (names from Faker fr_FR).
EXTRA_COUNSELLORS = {
    "Mission locale de Paris": 6,
    "SPIP de Paris": 3,
    "PJJ — Direction territoriale de Paris": 2,
    "France Travail Paris": 2,
    "Mission locale de Bobigny": 3,
}


@transaction.atomic
def build_demo() -> dict:
    """Create (or find) the demo territories, structures and accounts."""
    factory.random.reseed_random(SEED)
    paris = TerritoryFactory(paris=True)
    seine_saint_denis = TerritoryFactory(
        code="93",
        name="Seine-Saint-Denis",
        prefecture_name="Préfecture de la Seine-Saint-Denis",
    )
    structures = {}
    for territory, entries in (
        (paris, PARIS_STRUCTURES),
        (seine_saint_denis, SEINE_SAINT_DENIS_STRUCTURES),
    ):
        for name, kind in entries:
            structures[name] = StructureFactory(territory=territory, name=name, kind=kind)

    accounts = {}
    for username, first_name, last_name, role, structure_name in DEMO_ACCOUNTS:
        accounts[username] = UserFactory(
            username=username,
            first_name=first_name,
            last_name=last_name,
            role=role,
            structure=structures.get(structure_name),
            password=DEMO_PASSWORD,
        )
    for structure_name, count in EXTRA_COUNSELLORS.items():
        structure = structures[structure_name]
        for index in range(1, count + 1):
            username = f"{structure.kind.replace('_', '')}{structure.territory.code}-{index}"
            UserFactory(username=username, role=Role.COUNSELLOR, structure=structure)
    build_participants(territory=paris, structures=structures, accounts=accounts)
    partners = build_partners(territory=paris, structures=structures)
    build_events(territory=paris, partners=partners, accounts=accounts)
    build_cell_meetings(territory=paris, accounts=accounts)
    return {
        "territories": [paris, seine_saint_denis],
        "structures": structures,
        "accounts": accounts,
    }
