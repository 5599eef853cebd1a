"""What the apps above participants add to a participant's page (they import participants;
participants imports none of them — layers, README « Layout »): rows of the timeline, read
in the page's one UNION query, and sections of the page. Each app registers in its
AppConfig.ready.

A timeline source gives, for a participant's id, a queryset shaped by `rows` (the union's
columns) and the title of its entries from their code and extra column.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import CharField, DateField, F, Value

TEXT = CharField()
BLANK = Value("", output_field=TEXT)
NO_DAY = Value(None, output_field=DateField())
NOBODY = {"author_first": BLANK, "author_last": BLANK, "author_username": BLANK}
COLUMNS = ["day", "kind", "ident", "code", "text", "extra", "planned", *NOBODY]


def author(path) -> dict:
    """The author's name columns from a path to an account (NULL without one)."""
    return {
        "author_first": F(f"{path}__first_name"),
        "author_last": F(f"{path}__last_name"),
        "author_username": F(f"{path}__username"),
    }


def rows(queryset, kind, **given):
    """A queryset of the timeline's union: `given` names day, code, text, extra (and
    planned, the author's columns when there is one)."""
    # Prefixed: a model's own field (a follow-up's kind) may share a column's name.
    columns = {"kind": Value(kind, output_field=TEXT), "ident": F("pk"), "planned": NO_DAY}
    columns |= NOBODY | given
    return (
        queryset.order_by()
        .annotate(**{f"t_{name}": value for name, value in columns.items()})
        .values_list(*(f"t_{name}" for name in COLUMNS))
    )


@dataclass(frozen=True)
class TimelineSource:
    kind: str
    rows: Callable  # rows(participant_id) -> a queryset shaped by `rows`
    title: Callable  # title(code, extra) -> str


_sources: dict[str, TimelineSource] = {}
_sections: dict[str, Callable] = {}


def add_source(source: TimelineSource) -> None:
    """Register (once per kind: ready() may run twice in tests) a timeline source."""
    _sources[source.kind] = source


def sources() -> list[TimelineSource]:
    return list(_sources.values())


def add_section(name: str, read: Callable) -> None:
    """Register a section of the participant's page: read(participant) -> its context
    value, under `name` in the page's context."""
    _sections[name] = read


def sections(participant) -> dict:
    return {name: read(participant) for name, read in _sections.items()}
