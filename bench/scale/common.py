"""What every part of the scale dataset shares: its proportions, seeded generators, timestamps."""

import datetime as dt
import random

LARGEST_SHARE = 0.2  # Paris holds a fifth of the participants, events and partners
FOLLOW_UPS_PER_PARTICIPANT = 20
PARTICIPANTS_PER_EVENT = 100
PARTNERS_PER_100_PARTICIPANTS = 3
REGISTRATIONS_PER_EVENT = 60
TABLES_PER_EVENT = 3
SLOTS_PER_TABLE = 10
PARTICIPANTS_PER_COUNSELLOR = 40
YEARS = 3  # programme years per territory: the anchor's and the two before
COUNSELLOR_STRUCTURES = 4  # the first four structures of a territory follow young people


def rng_for(seed, part):
    # Fake data that must come out the same each time: a seeded generator, on purpose.
    return random.Random(f"{seed}:{part}")  # noqa: S311


def ts(day: dt.date, time="10:00:00") -> str:
    return f"{day.isoformat()} {time}+00"
