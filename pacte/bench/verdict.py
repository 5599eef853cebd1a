"""The targets of issue #10, checked against the measures; the table printed and saved.

Ratios (to the floor and to the admin peers) and query counts decide the exit code:
they hold on a noisy machine. Absolute times are printed against their targets.
"""

from dataclasses import dataclass

from pacte.bench.cases import DETAIL, FLOOR, LIST, PEER_STOCK, PEER_TUNED

MAX_QUERIES = 12
LIST_P95_MS, DEEP_P95_MS, DETAIL_P95_MS, DASHBOARD_P95_MS = 25, 60, 10, 100
LIST_FLOOR_RATIO, DETAIL_FLOOR_RATIO = 5, 3
STOCK_PEER_SPEEDUP, TUNED_PEER_SPEEDUP = 5, 2
EXPORT_MAX_MB, PDF_MAX_SECONDS = 300, 3
OPEN_MAX_SECONDS = 1  # opening an event of 65: the convocations leave off the request


@dataclass
class Check:
    label: str
    ok: bool
    binding: bool  # a ratio or a query count: decides the exit code


def _ms(value):
    return f"{value:.1f}"


def page_checks(case, measure, floor, peer_stock, peer_tuned) -> list[Check]:
    checks = []
    if case.kind in {FLOOR, PEER_STOCK, PEER_TUNED}:
        return checks
    checks.append(
        Check(
            f"≤ {MAX_QUERIES} req. fixes ({measure.query_count})",
            measure.query_count <= MAX_QUERIES and measure.queries_fixed,
            True,
        )
    )
    if case.kind == LIST:
        limit = DEEP_P95_MS if "profonde" in case.name else LIST_P95_MS
        checks.append(Check(f"p95 < {limit} ms", measure.p95 < limit, False))
        ratio = measure.median / floor.median
        checks.append(
            Check(f"≤ {LIST_FLOOR_RATIO}× plancher ({ratio:.1f}×)", ratio <= LIST_FLOOR_RATIO, True)
        )
    if case.kind == DETAIL:
        checks.append(Check(f"p95 < {DETAIL_P95_MS} ms", measure.p95 < DETAIL_P95_MS, False))
        ratio = measure.median / floor.median
        checks.append(
            Check(
                f"≤ {DETAIL_FLOOR_RATIO}× plancher ({ratio:.1f}×)",
                ratio <= DETAIL_FLOOR_RATIO,
                True,
            )
        )
    if case.name == "Tableau de bord":
        checks.append(Check(f"p95 < {DASHBOARD_P95_MS} ms", measure.p95 < DASHBOARD_P95_MS, False))
    if peer_stock is not None:
        speedup = peer_stock.median / measure.median
        checks.append(
            Check(
                f"≥ {STOCK_PEER_SPEEDUP}× pair brut ({speedup:.1f}×)",
                speedup >= STOCK_PEER_SPEEDUP,
                True,
            )
        )
    if peer_tuned is not None:
        speedup = peer_tuned.median / measure.median
        checks.append(
            Check(
                f"≥ {TUNED_PEER_SPEEDUP}× pair réglé ({speedup:.1f}×)",
                speedup >= TUNED_PEER_SPEEDUP,
                True,
            )
        )
    return checks


def fixed_across_pages(measures: dict) -> list[Check]:
    """Page 1, a deep page, a search and filters: the same number of queries."""
    counts = {m.query_count for name, m in measures.items() if name.startswith("Jeunes —")}
    label = f"liste des jeunes (page 1, profonde, recherche, filtres) : requêtes {sorted(counts)}"
    return [Check(label, len(counts) == 1, True)]


def status(checks) -> str:
    failed = [c for c in checks if not c.ok]
    if not failed:
        return "OK"
    return "ÉCHEC" if any(c.binding for c in failed) else "hors cible (absolu)"


def table(header, rows, extra_lines) -> str:
    """rows: (name, runs, median, p95, queries, checks)."""
    width = max(len(row[0]) for row in rows) + 2
    lines = [
        header,
        "",
        f"{'page':<{width}}{'n':>4}{'médiane ms':>12}{'p95 ms':>9}{'req.':>6}  cibles",
        "-" * (width + 31 + 60),
    ]
    for name, runs, median, p95, queries, checks in rows:
        marks = "; ".join(("✓ " if c.ok else "✗ ") + c.label for c in checks)
        lines.append(f"{name:<{width}}{runs:>4}{_ms(median):>12}{_ms(p95):>9}{queries:>6}  {marks}")
    lines += ["", *extra_lines]
    return "\n".join(lines) + "\n"
