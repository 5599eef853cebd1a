"""Reports for the steering committee: a period's figures (page, XLSX, PDF) and the
pseudonymised statistics (CSV of counts, small counts suppressed).

The figures come from `steering.dashboard`, the same computation as the dashboard's.
"""

import calendar
import datetime as dt
from collections import Counter
from dataclasses import dataclass
from urllib.parse import urlencode

from django.db.models import Count
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pacte.models import ProgrammeYear, StructureKind
from participants.models import Outcome, OutcomeKind, Participant, Status, Task, TaskKind
from steering import dashboard

YEAR, QUARTER, MONTH = "annee", "trimestre", "mois"


@dataclass(frozen=True)
class Period:
    """A calendar year, one of its quarters or one of its months."""

    kind: str
    year: int
    number: int | None = None  # the quarter (1–4) or the month (1–12)

    @property
    def start(self) -> dt.date:
        if self.kind == QUARTER:
            return dt.date(self.year, 3 * self.number - 2, 1)
        if self.kind == MONTH:
            return dt.date(self.year, self.number, 1)
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        if self.kind == YEAR:
            return dt.date(self.year, 12, 31)
        last_month = 3 * self.number if self.kind == QUARTER else self.number
        return dt.date(self.year, last_month, calendar.monthrange(self.year, last_month)[1])

    @property
    def label(self) -> str:
        if self.kind == QUARTER:
            ordinal = _("1er") if self.number == 1 else _("%(n)se") % {"n": self.number}
            return _("%(ordinal)s trimestre %(year)s") % {"ordinal": ordinal, "year": self.year}
        if self.kind == MONTH:
            return date_format(self.start, "F Y")
        return _("année %(year)s") % {"year": self.year}

    @property
    def slug(self) -> str:
        if self.kind == QUARTER:
            return f"{self.year}-T{self.number}"
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def query(self) -> str:
        """The period as the report form's query string (for the download links)."""
        params = {"periode": self.kind, "annee": self.year}
        if self.kind == QUARTER:
            params["trimestre"] = self.number
        elif self.kind == MONTH:
            params["mois"] = self.number
        return urlencode(params)


def period_report(territory_id, period: Period) -> dict:
    """The figures of a period for a territory; commitments are those of the period's
    programme year (a period never spans two calendar years)."""
    return {
        "period": period,
        "figures": dashboard.activity_figures(territory_id, period.start, period.end),
        "partners": dashboard.partner_figures(territory_id, period.year, period.start, period.end),
    }


def summary_rows(report) -> list[tuple[str, str, object]]:
    """(section, figure, value) for the spreadsheet; rates are whole percentages."""
    f = report["figures"]
    people, events, paths = _("Jeunes"), _("Café-métiers"), _("Sorties")
    return [
        (_("Période"), _("Du"), report["period"].start),
        (_("Période"), _("Au"), report["period"].end),
        (people, _("Orientés pendant la période"), f["referred_in_period"]),
        (people, _("Entrés dans le programme pendant la période"), f["enrolled_in_period"]),
        (people, _("dont habitant un QPV"), f["enrolled_in_qpv"]),
        (people, _("Part des entrants habitant un QPV (%)"), f["enrolled_qpv_rate"]),
        (people, _("Sortis du programme pendant la période"), f["exited_in_period"]),
        (events, _("Café-métiers tenus"), f["events_held"]),
        (events, _("Présents"), f["present"]),
        (events, _("Absents"), f["absent"]),
        (events, _("Excusés"), f["excused"]),
        (events, _("Taux de présence (%)"), f["attendance_rate"]),
        (events, _("Taux d’absence (%)"), f["no_show_rate"]),
        (events, _("Entretiens de job-dating tenus"), f["interviews_held"]),
        (paths, _("Sorties commencées pendant la période"), f["outcomes_total"]),
        (
            paths,
            _("Jeunes en emploi durable (sortie commencée pendant la période)"),
            f["durable_employment"],
        ),
        (paths, _("Vérifications à 6 mois faites"), f["checks_done"]),
        (paths, _("dont solution maintenue"), f["maintained"]),
        (paths, _("Solutions maintenues à 6 mois (%)"), f["maintained_rate"]),
    ]


def outcome_rows(report) -> list[tuple[str, int, bool]]:
    durable = {OutcomeKind(kind).label for kind in OutcomeKind.durable_employment()}
    return [(label, n, label in durable) for label, n in report["figures"]["outcomes"]]


def partner_headers(report) -> list[str]:
    headers = [_("Partenaire")]
    for label in report["partners"]["lines"]:
        headers += [f"{label} : {_('engagement')}", f"{label} : {_('réalisé')}"]
    return headers


def partner_rows(report) -> list[list]:
    rows = []
    for row in report["partners"]["rows"]:
        cells = [row["name"]]
        for _key, committed, delivered in row["lines"]:
            cells += [committed, delivered]
        rows.append(cells)
    return rows


# Pseudonymised statistics ---------------------------------------------------------------

THRESHOLD = 5
SECRET = gettext_lazy(
    "secret statistique : effectif masqué (moins de 5, ou permettant de recalculer "
    "un effectif de moins de 5)"
)


def suppressed(counts: list[int], *, threshold=THRESHOLD) -> set[int]:
    """Indexes of the cells of a table to hide, whose total is published.

    Primary: every count below the threshold (zero included). Secondary: while the
    hidden cells add up to less than the threshold, the total minus the shown cells
    would give them back, so the smallest shown cell is hidden too (ties: the first).
    When even all cells add up to less than the threshold, the total is hidden as well
    (see `statistics_rows`).
    """
    hidden = {index for index, n in enumerate(counts) if n < threshold}
    shown = sorted((n, index) for index, n in enumerate(counts) if index not in hidden)
    while hidden and shown and sum(counts[index] for index in hidden) < threshold:
        hidden.add(shown.pop(0)[1])
    return hidden


AGE_BANDS = [
    ("16-17", gettext_lazy("16–17 ans")),
    ("18-21", gettext_lazy("18–21 ans")),
    ("22-25", gettext_lazy("22–25 ans")),
    ("other", gettext_lazy("Hors 16–25 ans")),
]


def _age_band(birth_date, on):
    age = on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))
    if 16 <= age <= 17:
        return "16-17"
    if 18 <= age <= 21:
        return "18-21"
    if 22 <= age <= 25:
        return "22-25"
    return "other"


def _qpv(value):
    return {True: "yes", False: "no"}.get(value, "unknown")


def statistics_tables(territory_id, period: Period) -> list[dict]:
    """One-way tables of counts over three populations of the period, before suppression.

    Each table: population, total, and its dimensions, each a list of (category, count)
    over every category (so an absent category is a hidden zero, not a missing row).
    Only counts leave this function: birth dates are read to place people in age bands.
    """
    start, end = period.start, period.end
    return [
        _referred_table(territory_id, start, end),
        _outcomes_table(territory_id, start, end),
        _checks_table(territory_id, start, end),
    ]


def _dimension(name, categories, values):
    counted = Counter(values)
    return (name, [(label, counted.get(key, 0)) for key, label in categories])


def _referred_table(territory_id, start, end) -> dict:
    """The young people referred during the period, by age, QPV, status, referrer, year."""
    people = list(
        Participant.objects.filter(territory_id=territory_id, referred_on__range=(start, end))
        .order_by()
        .values_list(
            "birth_date",
            "enrolled_on",
            "lives_in_qpv",
            "status",
            "referred_by__kind",
            "programme_year__year",
        )
    )
    years = sorted(
        set(ProgrammeYear.objects.filter(territory_id=territory_id).values_list("year", flat=True))
        | {row[5] for row in people}
    )
    return {
        "population": _("Jeunes orientés pendant la période"),
        "total": len(people),
        "dimensions": [
            _dimension(
                _("Âge à l’entrée dans le programme"),
                AGE_BANDS,
                [_age_band(birth, enrolled) for birth, enrolled, *_rest in people],
            ),
            _dimension(
                _("Habite un QPV"),
                [("yes", _("Oui")), ("no", _("Non")), ("unknown", _("Non renseigné"))],
                [_qpv(row[2]) for row in people],
            ),
            _dimension(_("Statut actuel"), Status.choices, [row[3] for row in people]),
            _dimension(
                _("Type de structure qui oriente"),
                StructureKind.choices,
                [row[4] for row in people],
            ),
            _dimension(
                _("Année du programme"),
                [(year, str(year)) for year in years],
                [row[5] for row in people],
            ),
        ],
    }


def _outcomes_table(territory_id, start, end) -> dict:
    """The outcomes started during the period, by kind."""
    by_kind = dict(
        Outcome.objects.filter(
            participant__territory_id=territory_id, starts_on__range=(start, end)
        )
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )
    durable = OutcomeKind.durable_employment()
    return {
        "population": _("Sorties commencées pendant la période"),
        "total": sum(by_kind.values()),
        "dimensions": [
            (
                _("Type de sortie"),
                [
                    (
                        f"{kind.label} ({_('emploi durable')})" if kind in durable else kind.label,
                        by_kind.get(kind, 0),
                    )
                    for kind in OutcomeKind
                ],
            )
        ],
    }


def _checks_table(territory_id, start, end) -> dict:
    """The six-month outcome checks done during the period, by whether it held."""
    checks = dict(
        Task.objects.filter(
            participant__territory_id=territory_id,
            kind=TaskKind.OUTCOME_CHECK,
            check_months=dashboard.CHECK_MONTHS,
            done_at__date__range=(start, end),
        )
        .order_by()
        .values_list("maintained")
        .annotate(n=Count("pk"))
    )
    return {
        "population": _("Vérifications à 6 mois faites pendant la période"),
        "total": sum(checks.values()),
        "dimensions": [
            (
                _("Solution maintenue"),
                [(_("Oui"), checks.get(True, 0)), (_("Non"), checks.get(False, 0))],
            )
        ],
    }


STATISTICS_HEADERS = [
    gettext_lazy("Période"),
    gettext_lazy("Du"),
    gettext_lazy("Au"),
    gettext_lazy("Population"),
    gettext_lazy("Dimension"),
    gettext_lazy("Modalité"),
    gettext_lazy("Effectif"),
    gettext_lazy("Note"),
]


def statistics_rows(territory_id, period: Period) -> list[list]:
    """The CSV's rows: each population's total, then each dimension's cells, with every
    count of the suppression rule hidden (empty, and the note)."""
    rows = []
    lead = [period.label, period.start, period.end]
    for table in statistics_tables(territory_id, period):
        total = table["total"]
        total_hidden = total < THRESHOLD
        rows.append(
            lead
            + [
                str(table["population"]),
                _("Ensemble"),
                _("Total"),
                None if total_hidden else total,
                str(SECRET) if total_hidden else "",
            ]
        )
        for name, cells in table["dimensions"]:
            hidden = suppressed([n for _label, n in cells])
            for index, (label, n) in enumerate(cells):
                secret = index in hidden
                rows.append(
                    lead
                    + [
                        str(table["population"]),
                        str(name),
                        str(label),
                        None if secret else n,
                        str(SECRET) if secret else "",
                    ]
                )
    return rows
