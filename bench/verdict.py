"""The targets of issue #18, checked against the measures; the table printed and saved.

Every verdict is a ratio to the bare reference (or to the tuned admin peer) measured in
the same run, or a query count: they hold on a shared, noisy machine. Absolute times
are printed, never judged. A missed target is reported with its figure.
"""

from dataclasses import dataclass

from bench.cases import BARE, LIST, PEER

MAX_QUERIES = 12
TUNED_PEER_SPEEDUP = 2
EXPORT_MAX_MB = 300


@dataclass
class Check:
    label: str
    ok: bool


def _ms(value):
    return f"{value:.1f}"


def page_checks(case, measure, bare, peer) -> list[Check]:
    """A page's query count (fixed, at most 12), its ratio to bare, its speed-up on the
    tuned admin changelist of the same rows (the participants list)."""
    if case.kind in {BARE, PEER}:
        return []
    checks = [
        Check(
            f"≤ {MAX_QUERIES} req. fixes ({measure.query_count}"
            f"{'' if measure.queries_fixed else ', variables : ' + _spread(measure)})",
            measure.query_count <= MAX_QUERIES and measure.queries_fixed,
        )
    ]
    if case.max_bare is not None:
        ratio = measure.median / bare.median
        checks.append(Check(f"≤ {case.max_bare:g}× nu ({ratio:.1f}×)", ratio <= case.max_bare))
    if case.kind == LIST and peer is not None:
        speedup = peer.median / measure.median
        checks.append(
            Check(
                f"≥ {TUNED_PEER_SPEEDUP}× plus rapide que l’admin réglé ({speedup:.1f}×)",
                speedup >= TUNED_PEER_SPEEDUP,
            )
        )
    return checks


def _spread(measure) -> str:
    return "–".join(str(n) for n in (min(measure.queries), max(measure.queries)))


def fixed_across_pages(measures: dict) -> list[Check]:
    """Page 1, a deep page, a search and filters: the same number of queries."""
    counts = {m.query_count for name, m in measures.items() if name.startswith("Jeunes —")}
    label = f"liste des jeunes (page 1, profonde, recherche, filtres) : requêtes {sorted(counts)}"
    return [Check(label, len(counts) == 1)]


def table(header, rows, extra_lines) -> str:
    """rows: (name, runs, median, p95, queries, ratio to bare, checks)."""
    width = max(len(row[0]) for row in rows) + 2
    lines = [
        header,
        "",
        f"{'page':<{width}}{'n':>4}{'médiane ms':>12}{'p95 ms':>9}{'× nu':>7}{'req.':>6}  cibles",
        "-" * (width + 38 + 60),
    ]
    for name, runs, median, p95, queries, ratio, checks in rows:
        marks = "; ".join(("✓ " if c.ok else "✗ ") + c.label for c in checks)
        lines.append(
            f"{name:<{width}}{runs:>4}{_ms(median):>12}{_ms(p95):>9}{ratio:>7.1f}{queries:>6}  "
            f"{marks}"
        )
    lines += ["", *extra_lines]
    return "\n".join(lines) + "\n"
