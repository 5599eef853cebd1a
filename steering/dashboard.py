"""The programme's figures: one computation shared by the dashboard and the period reports.

- `activity_figures(territory_id, start, end)`: what happened between two dates (both
  included) in a territory: people referred, enrolled and exited, Café-métiers held and
  their attendance, job-dating interviews, outcomes, 6-month checks.
- `partner_figures(territory_id, year, start, end)`: each partner's commitments for the
  programme year against what it delivered between the dates (counted, never typed).
- `cohort_figures(programme_year)`: the programme year's young people against its target.
- `figures(programme_year)`: the dashboard, i.e. the three above over the calendar year.

Each table is read once for all its counts (`counts`), and the counts of every table in
one query (`read_counts`): a page reads its scalar figures in one query, whatever the
number of rows.
"""

import datetime as dt
import math
import textwrap

from django.db import connection
from django.db.models import Case, F, Func, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from events.models import Event, EventStatus, Interview, InterviewOutcome, Registration
from events.models import RegistrationStatus as Attendance
from pacte.models import StructureKind
from participants.models import (
    Outcome,
    OutcomeKind,
    Participant,
    Status,
    StatusChange,
    Task,
    TaskKind,
)
from partners.models import Commitment, Partner
from partners.reports import DELIVERY_LINES, deliveries

FOLLOWED = [Status.ACTIVE, Status.SUSPENDED, Status.EXITED]
CHECK_MONTHS = 6


def rate(part, whole):
    """A whole percentage, or None when there is nothing to divide by."""
    return round(100 * part / whole) if whole else None


def year_range(year):
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def held_events(territory_id, start, end, *, today=None):
    """Café-métiers of the dates that took place: past ones, and today's once closed;
    never a cancelled one."""
    today = today or timezone.localdate()
    return (
        Event.objects.filter(territory_id=territory_id, date__range=(start, end))
        .filter(Q(date__lt=today) | Q(date=today, status=EventStatus.DONE))
        .exclude(status=EventStatus.CANCELLED)
    )


def _moments(start, end):
    """The dates as a half-open range of local datetimes, which an index can serve
    (a `__date` lookup casts every row's timestamp and reads the whole table)."""
    zone = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=zone),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=zone),
    )


# Counting ------------------------------------------------------------------------------
# Each source table is read once, counting all its figures in one pass; the sources are
# joined in one SELECT: a page reads its scalar figures in one query.

ALL = None  # a column counting every row of its source


class _Count(Func):
    """COUNT over every row its query selects (not an aggregate to Django: no GROUP BY)."""

    function = "COUNT"
    output_field = IntegerField()
    contains_aggregate = False


class _CountDistinct(_Count):
    template = "COUNT(DISTINCT %(expressions)s)"


def counts(queryset, **columns):
    """One pass over `queryset` counting, per column, the rows where its condition (a Q,
    or ALL) holds — or, for `(condition, field)`, the distinct values of that field."""
    values = {}
    for name, spec in columns.items():
        condition, field = spec if isinstance(spec, tuple) else (spec, None)
        value = F(field) if field else Value(1)
        if condition is not None:
            value = Case(When(condition, then=value))
        values[name] = (_CountDistinct if field else _Count)(value)
    return queryset.order_by().values(**values)


def read_counts(*sources) -> dict:
    """Evaluate several `counts` in one query: each a one-row table, joined side by side."""
    tables, params = [], []
    for index, source in enumerate(sources):
        sql, source_params = source.query.sql_with_params()
        tables.append(f"({sql}) AS source_{index}")
        params.extend(source_params)
    with connection.cursor() as cursor:
        # The tables are SQL the ORM wrote, their values passed as parameters.
        cursor.execute("SELECT * FROM " + " CROSS JOIN ".join(tables), params)  # noqa: S608
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


# Figures -------------------------------------------------------------------------------


def _activity_sources(territory_id, start, end, *, today=None, cohort=None) -> list:
    """The counts of the dates' activity; with `cohort`, the programme year's own counts
    are read in the same pass over the territory's participants."""
    since, until = _moments(start, end)
    enrolled = Q(enrolled_on__range=(start, end)) & ~Q(status=Status.REFERRED)
    events = held_events(territory_id, start, end, today=today)
    return [
        counts(
            Participant.objects.filter(territory_id=territory_id),
            referred_in_period=Q(referred_on__range=(start, end)),
            enrolled_in_period=enrolled,
            enrolled_in_qpv=enrolled & Q(lives_in_qpv=True),
            **(_cohort_columns(cohort) if cohort else {}),
        ),
        counts(
            StatusChange.objects.filter(
                participant__territory_id=territory_id,
                to_status=Status.EXITED,
                changed_at__gte=since,
                changed_at__lt=until,
            ),
            exited_in_period=(ALL, "participant_id"),
        ),
        counts(events, events_held=ALL),
        counts(
            Registration.objects.filter(event__in=events),
            present=Q(status=Attendance.PRESENT),
            absent=Q(status=Attendance.ABSENT),
            excused=Q(status=Attendance.EXCUSED),
        ),
        counts(
            Interview.objects.filter(table__event__in=events, outcome__in=InterviewOutcome.held()),
            interviews_held=ALL,
        ),
        counts(
            Outcome.objects.filter(
                participant__territory_id=territory_id, starts_on__range=(start, end)
            ),
            durable_employment=(Q(kind__in=OutcomeKind.durable_employment()), "participant_id"),
            **{f"outcome_{kind.value}": Q(kind=kind) for kind in OutcomeKind},
        ),
        counts(
            Task.objects.filter(
                participant__territory_id=territory_id,
                kind=TaskKind.OUTCOME_CHECK,
                check_months=CHECK_MONTHS,
                done_at__gte=since,
                done_at__lt=until,
            ),
            checks_done=ALL,
            checks_maintained=Q(maintained=True),
        ),
    ]


def _activity_figures(row, start, end) -> dict:
    by_kind = {kind: row[f"outcome_{kind.value}"] for kind in OutcomeKind}
    expected = row["present"] + row["absent"]
    return {
        "start": start,
        "end": end,
        **{
            name: row[name]
            for name in (
                "referred_in_period",
                "enrolled_in_period",
                "enrolled_in_qpv",
                "exited_in_period",
                "events_held",
                "present",
                "absent",
                "excused",
                "interviews_held",
                "durable_employment",
                "checks_done",
            )
        },
        "enrolled_qpv_rate": rate(row["enrolled_in_qpv"], row["enrolled_in_period"]),
        "attendance_rate": rate(row["present"], expected),
        "no_show_rate": rate(row["absent"], expected),
        # In the order of the choices; kinds with nothing are left out.
        "outcomes": [(kind.label, by_kind[kind]) for kind in OutcomeKind if by_kind[kind]],
        "outcomes_total": sum(by_kind.values()),
        "maintained": row["checks_maintained"],
        "maintained_rate": rate(row["checks_maintained"], row["checks_done"]),
    }


def activity_figures(territory_id, start, end, *, today=None) -> dict:
    row = read_counts(*_activity_sources(territory_id, start, end, today=today))
    return _activity_figures(row, start, end)


def partner_figures(territory_id, year, start, end) -> dict:
    """Per partner: (committed, delivered) for each line; committed is None without a
    commitment for the programme year. Partners that committed or delivered, by name."""
    commitments = {
        commitment.partner_id: commitment
        for commitment in Commitment.objects.filter(
            partner__territory_id=territory_id,
            programme_year__territory_id=territory_id,
            programme_year__year=year,
        ).select_related("partner")
    }
    done = deliveries(territory_id, start, end)
    names = {pk: c.partner.name for pk, c in commitments.items()}
    missing = set(done) - set(names)
    if missing:
        names.update(Partner.objects.filter(pk__in=missing).values_list("pk", "name"))
    nothing = dict.fromkeys((key for key, _label in DELIVERY_LINES), 0)
    rows = []
    for pk, name in sorted(names.items(), key=lambda item: (item[1].lower(), item[0])):
        commitment = commitments.get(pk)
        delivered = done.get(pk, nothing)
        rows.append(
            {
                "partner_id": pk,
                "name": name,
                "lines": [
                    (
                        key,
                        getattr(commitment, key) if commitment else None,
                        delivered[key],
                    )
                    for key, _label in DELIVERY_LINES
                ],
            }
        )
    totals = [
        (
            label,
            sum(getattr(c, key) for c in commitments.values()),
            sum(d[key] for d in done.values()),
        )
        for key, label in DELIVERY_LINES
    ]
    return {"lines": [label for _key, label in DELIVERY_LINES], "rows": rows, "totals": totals}


def main_partners(partners: dict, count: int) -> dict:
    """The partners that weigh most (committed, then delivered, in all), for a page that
    cannot list hundreds; the report keeps them all."""

    def weight(row):
        committed = sum(c or 0 for _key, c, _d in row["lines"])
        delivered = sum(d for _key, _c, d in row["lines"])
        return (-committed, -delivered, row["name"].lower())

    rows = sorted(partners["rows"], key=weight)
    return {**partners, "rows": rows[:count], "left_out": max(len(rows) - count, 0)}


def _cohort_columns(programme_year) -> dict:
    followed = Q(programme_year=programme_year, status__in=FOLLOWED)
    return {
        "cohort_followed": followed,
        "cohort_referred": Q(programme_year=programme_year, status=Status.REFERRED),
        "cohort_in_qpv": followed & Q(lives_in_qpv=True),
        **{
            f"cohort_from_{kind.value}": followed & Q(referred_by__kind=kind)
            for kind in StructureKind
        },
    }


def _cohort_figures(row, programme_year) -> dict:
    by_source = sorted(
        ((kind, row[f"cohort_from_{kind.value}"]) for kind in StructureKind),
        key=lambda item: (-item[1], item[0].value),
    )
    return {
        "year": programme_year.year,
        "target": programme_year.target_participants,
        "followed": row["cohort_followed"],
        "referred": row["cohort_referred"],
        "followed_rate": rate(row["cohort_followed"], programme_year.target_participants),
        "in_qpv": row["cohort_in_qpv"],
        "qpv_rate": rate(row["cohort_in_qpv"], row["cohort_followed"]),
        "referrals": [(kind.label, n) for kind, n in by_source if n],
        "events_target": programme_year.target_events,
    }


def cohort_figures(programme_year) -> dict:
    """The programme year's young people (its cohort) against the year's targets."""
    row = read_counts(
        counts(
            Participant.objects.filter(programme_year=programme_year),
            **_cohort_columns(programme_year),
        )
    )
    return _cohort_figures(row, programme_year)


def figures(programme_year, *, today=None, also=()) -> dict:
    """The dashboard: the cohort against its targets, and the calendar year's activity
    (their counts in one query, with the `counts` given in `also`), and the partners'
    commitments against delivery."""
    start, end = year_range(programme_year.year)
    territory_id = programme_year.territory_id
    row = read_counts(
        *_activity_sources(territory_id, start, end, today=today, cohort=programme_year),
        *also,
    )
    asked = [name for source in also for name in source.query.annotation_select]
    return {
        **{name: row[name] for name in asked},
        **_activity_figures(row, start, end),
        **_cohort_figures(row, programme_year),
        "partners": partner_figures(territory_id, programme_year.year, start, end),
    }


# Charts: horizontal bars drawn in SVG by the templates (_bar_chart.html,
# _paired_bar_chart.html). The geometry is computed here so that the drawing is wide
# enough for its longest label and value, on the page (Marianne) and in the PDF
# (WeasyPrint falls back to DejaVu Sans or Liberation Sans): nothing is cut.
CHART_FONT = 12  # px, every text of a chart
CHART_LINE = 15  # px between two lines of a wrapped label
# How far a line's glyphs may reach above and below its baseline, in px: Marianne's, the
# tallest of these fonts (1.1 em and 0.4 em); the drawing keeps that room for each line.
CHART_ASCENT, CHART_DESCENT = 14, 5
LABEL_CHARS = 28  # a longer label wraps on several lines
GAP = 8  # px between a label and its bar, a bar and its value

# Advance widths in em, each the widest of these fonts for its class, rounded up: an
# estimate that errs wide leaves some space, one that errs narrow would clip.
_NARROW = frozenset("'’ijlìíîïI .,|\u00a0\u202f")
_SMALL = frozenset(":;/-()[]!frt")
_WIDE = frozenset("mwMW%@—")


def _char_em(char: str) -> float:
    if char in _NARROW:
        return 0.32
    if char in _SMALL:
        return 0.42
    if char in _WIDE:
        return 1.05
    if ord(char) > 0x24F:  # beyond Latin: no guess
        return 1.1
    return 0.85 if char.isupper() else 0.67


def text_width(text: str, font_size: int = CHART_FONT) -> int:
    """The width a line of text takes at most, in px (the SVG's user units)."""
    return math.ceil(sum(_char_em(char) for char in str(text)) * font_size)


def _label_lines(label) -> list[str]:
    return textwrap.wrap(str(label), LABEL_CHARS, break_on_hyphens=False) or [""]


def _number(value) -> str:
    return number_format(value, force_grouping=True)


def _rows_layout(lines_per_row, block):
    """The top of each row and of its label, rows of `block` px at least, a gap apart."""
    y = CHART_ASCENT - CHART_FONT  # the first line's glyphs rise above its row
    for lines in lines_per_row:
        height = max(block, len(lines) * CHART_LINE)
        yield y, height
        y += height + GAP


def _label_texts(lines, top, height):
    """One <text> per line, the block of lines centred on the row (baselines)."""
    first = top + (height - len(lines) * CHART_LINE) // 2 + CHART_FONT
    return [{"text": line, "y": first + index * CHART_LINE} for index, line in enumerate(lines)]


def _bottom(rows_bottom, texts) -> int:
    """The drawing's height: its last row, and the descent of its lowest line of text."""
    return max([rows_bottom, *(text["y"] + CHART_DESCENT for text in texts)])


def bars(rows, *, width=320, bar_height=22):
    """Geometry of a horizontal bar chart: its labels wrapped, its viewBox wide enough for
    the longest label and value. `width` is the length of the longest bar."""
    top = max((value for _label, value in rows), default=0) or 1
    lines = [_label_lines(label) for label, _value in rows]
    bar_x = max((text_width(line) for row in lines for line in row), default=0) + GAP
    drawn = []
    right, bottom = bar_x + width, 0
    for (label, value), row_lines, (y, height) in zip(
        rows, lines, _rows_layout(lines, bar_height), strict=True
    ):
        length = round(width * value / top)
        bar_y = y + (height - bar_height) // 2
        bottom = y + height
        value_text = _number(value)
        value_x = bar_x + length + GAP // 2
        right = max(right, value_x + text_width(value_text))
        drawn.append(
            {
                "label": label,
                "value": value,
                "value_text": value_text,
                "lines": _label_texts(row_lines, y, height),
                "x": bar_x,
                "y": bar_y,
                "length": length,
                "height": bar_height,
                "value_x": value_x,
                "value_y": bar_y + bar_height // 2 + CHART_FONT // 3,
            }
        )
    texts = [line for bar in drawn for line in bar["lines"]]
    texts += [{"y": bar["value_y"]} for bar in drawn]
    return {"width": right + GAP // 2, "height": _bottom(bottom, texts), "bars": drawn}


def paired_bars(rows, *, width=300, bar_height=18):
    """Geometry of a chart of (label, committed, delivered): two bars per line, each with
    its figure after it, the viewBox wide enough for all of them."""
    top = max((max(committed, delivered) for _l, committed, delivered in rows), default=0) or 1
    lines = [_label_lines(label) for label, _c, _d in rows]
    bar_x = max((text_width(line) for row in lines for line in row), default=0) + GAP
    pair = 2 * bar_height + 2
    groups = []
    right, bottom = bar_x + width, 0
    for (label, committed, delivered), row_lines, (y, height) in zip(
        rows, lines, _rows_layout(lines, pair), strict=True
    ):
        bar_y = y + (height - pair) // 2
        bottom = y + height
        bars_of_group = []
        for kind, value, text, bar_top in (
            ("committed", committed, _("engagement : %(n)s"), bar_y),
            ("delivered", delivered, _("réalisé : %(n)s"), bar_y + bar_height + 2),
        ):
            length = round(width * value / top)
            caption = text % {"n": _number(value)}
            text_x = bar_x + length + GAP // 2 + 2
            right = max(right, text_x + text_width(caption))
            bars_of_group.append(
                {
                    "kind": kind,
                    "y": bar_top,
                    "length": length,
                    "text": caption,
                    "text_x": text_x,
                    "text_y": bar_top + bar_height // 2 + CHART_FONT // 3,
                }
            )
        committed_bar, delivered_bar = bars_of_group
        groups.append(
            {
                "label": label,
                "committed": committed,
                "delivered": delivered,
                "committed_text": _number(committed),
                "delivered_text": _number(delivered),
                "lines": _label_texts(row_lines, y, height),
                "x": bar_x,
                "height": bar_height,
                "committed_bar": committed_bar,
                "delivered_bar": delivered_bar,
            }
        )
    texts = [line for group in groups for line in group["lines"]]
    texts += [{"y": g[bar]["text_y"]} for g in groups for bar in ("committed_bar", "delivered_bar")]
    return {"width": right + GAP // 2, "height": _bottom(bottom, texts), "groups": groups}
