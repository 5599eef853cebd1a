"""What the apps above partners report about a partner.

partners sits below participants and events (layers, README « Layout »): the interviews,
outcomes and workshops that count against a partner's commitments, and the Café-métiers it
attended, are theirs. Each registers its readers here in its AppConfig.ready; partners and
the steering layer read them through this module, never by importing those apps.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.utils.translation import gettext_lazy as _

# What a partner commits to for a programme year, in the order pages show it (the fields
# of partners.Commitment).
DELIVERY_LINES = [
    ("interviews", _("Entretiens")),
    ("immersions", _("Immersions")),
    ("hires", _("Embauches")),
    ("workshops", _("Ateliers animés")),
]
DELIVERY_KEYS = {key for key, _label in DELIVERY_LINES}

# counter(territory_id, start, end) -> iterable of (partner_id, line key, count)
DeliveryCounter = Callable[[int, object, object], Iterable[tuple[int, str, int]]]
_delivery_counters: dict[str, DeliveryCounter] = {}
_attendance_readers: dict[str, Callable] = {}


def count_deliveries_with(name: str, counter: DeliveryCounter) -> None:
    """Register (once per name: ready() may run twice in tests) an app's delivery counter."""
    _delivery_counters[name] = counter


def read_attendance_with(name: str, reader: Callable) -> None:
    """Register a reader of the Café-métiers a partner attended: reader(partner) -> rows."""
    _attendance_readers[name] = reader


def no_delivery() -> dict:
    return dict.fromkeys([key for key, _label in DELIVERY_LINES], 0)


def deliveries(territory_id, start, end) -> dict[int, dict]:
    """What each partner of a territory delivered between two dates (both included), as the
    registered counters count it (held job-dating interviews at its tables, outcomes where
    it is the employer, the workshops it led). Only partners that delivered something have
    a key. What is yet to happen never counts (each counter's rule)."""
    done = defaultdict(no_delivery)
    for counter in _delivery_counters.values():
        for partner_id, key, n in counter(territory_id, start, end):
            if key not in DELIVERY_KEYS:
                raise ValueError(f"unknown delivery line {key!r}")
            if n:
                done[partner_id][key] = n
    return dict(done)


def events_attended(partner) -> list:
    rows = []
    for reader in _attendance_readers.values():
        rows.extend(reader(partner))
    return rows
