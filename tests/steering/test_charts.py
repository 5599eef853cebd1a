"""Bar charts never clip their longest label or value, on the page or in the PDF
(issue #14, item 15): every text of the rendered SVG lies inside its viewBox, measured
with the real metrics of the fonts that draw it (Marianne on the page; DejaVu Sans or
Liberation Sans, WeasyPrint's fallbacks, in the PDF)."""

import re
import xml.etree.ElementTree as ET
from functools import cache
from pathlib import Path

import dsfr
import pytest
from django.template.loader import render_to_string
from fontTools.ttLib import TTFont

from steering import dashboard

SPIP = "Service pénitentiaire d’insertion et de probation de Paris"
FONT_SIZE = 12
FONTS = [
    Path(dsfr.__file__).parent / "static/dsfr/dist/fonts/Marianne-Regular.woff",
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf"),
]


@cache
def _metrics(path):
    font = TTFont(path)
    return font["head"].unitsPerEm, font.getBestCmap(), font["hmtx"]


def char_width(path, char):
    units, cmap, hmtx = _metrics(path)
    return hmtx[cmap[ord(char)]][0] * FONT_SIZE / units if ord(char) in cmap else None


def drawn_width(text):
    """The widest the text may be drawn: each character at its widest in the fonts
    installed here that have it (a font lacking one draws it with another)."""
    fonts = [path for path in FONTS if path.exists()]
    widths = ([char_width(path, char) for path in fonts] for char in text)
    return sum(max((w for w in found if w is not None), default=FONT_SIZE) for found in widths)


def svg_of(template, chart):
    html = render_to_string(
        template,
        {"chart": chart, "caption": "Un graphique", "label_header": "Libellé", "chart_id": "c"},
    )
    (svg,) = re.findall(r"<svg.*?</svg>", html, flags=re.S)
    return ET.fromstring(svg), html  # noqa: S314 - our own template's output


def view_box(svg):
    x, y, width, height = (float(n) for n in svg.get("viewBox").split())
    assert (x, y) == (0, 0)
    return width, height


def texts(svg):
    return [(float(t.get("x")), float(t.get("y")), "".join(t.itertext())) for t in svg.iter("text")]


def reach():
    """How far glyphs reach above and below their baseline, at most, in these fonts."""
    fonts = [TTFont(path) for path in FONTS if path.exists()]
    ascent = max(f["hhea"].ascent / f["head"].unitsPerEm for f in fonts)
    descent = max(-f["hhea"].descent / f["head"].unitsPerEm for f in fonts)
    return ascent * FONT_SIZE, descent * FONT_SIZE


def assert_every_text_inside(svg):
    width, height = view_box(svg)
    ascent, descent = reach()
    for x, y, text in texts(svg):
        assert x >= 0, text
        assert x + drawn_width(text) <= width, f"« {text} » is cut at the right"
        assert y - ascent >= 0, f"« {text} » is cut at the top"
        assert y + descent <= height, f"« {text} » is cut at the bottom"


def label_lines(svg, bar_x):
    return [text for x, _y, text in texts(svg) if x < bar_x]


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([(SPIP, 12345), ("Mission locale de Paris", 3)], id="long label, big value"),
        pytest.param([("PJJ", 7), (SPIP, 0)], id="long label, short bar"),
        pytest.param([("Wagon-lits MMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMMM", 1234567)], id="wide"),
        pytest.param([("CDI", 1)], id="one short bar"),
    ],
)
def test_a_bar_chart_fits_its_longest_label_and_value(rows):
    svg, _html = svg_of("pacte/_bar_chart.html", dashboard.bars(rows))

    assert_every_text_inside(svg)


def test_a_long_label_is_wrapped_whole_not_truncated():
    chart = dashboard.bars([(SPIP, 12345), ("Mission locale de Paris", 3)])
    svg, html = svg_of("pacte/_bar_chart.html", chart)

    lines = label_lines(svg, chart["bars"][0]["x"])
    assert " ".join(lines[:-1]) == SPIP  # the last text before the bar is the next label
    assert len(lines) > 2  # wrapped
    assert "…" not in html
    assert f'<th scope="row">{SPIP}</th>' in html  # and whole in the data table


def test_a_label_ends_before_its_bar_and_the_value_after_it():
    chart = dashboard.bars([(SPIP, 12345), ("Mission locale de Paris", 3)])
    svg, _html = svg_of("pacte/_bar_chart.html", chart)

    for bar in chart["bars"]:
        for line in bar["lines"]:
            assert drawn_width(line["text"]) < bar["x"]
        assert bar["value_x"] > bar["x"] + bar["length"]
    assert "12\xa0345" in "".join(svg.itertext())  # a big value reads as people write it


def test_bars_of_wrapped_labels_do_not_overlap():
    chart = dashboard.bars([(SPIP, 4), (SPIP, 5), ("CDI", 6)])

    rows = [
        (min(line["y"] for line in bar["lines"]) - FONT_SIZE, bar["y"] + bar["height"])
        for bar in chart["bars"]
    ]
    for (_top, bottom), (next_top, _bottom) in zip(rows, rows[1:], strict=False):
        assert bottom <= next_top


@pytest.mark.parametrize(
    "rows",
    [
        pytest.param([(SPIP, 12345, 9876), ("Entretiens de job-dating", 10, 3)], id="long"),
        pytest.param([("Immersions (PMSMP)", 0, 12345)], id="delivered without commitment"),
        pytest.param([("Embauches", 1, 1)], id="short"),
    ],
)
def test_a_paired_bar_chart_fits_its_longest_label_and_figures(rows):
    chart = dashboard.paired_bars(rows)
    svg, html = svg_of("pacte/_paired_bar_chart.html", chart)

    assert_every_text_inside(svg)
    for group in chart["groups"]:
        for line in group["lines"]:
            assert drawn_width(line["text"]) < group["x"]


def test_a_paired_chart_shows_the_long_label_whole():
    chart = dashboard.paired_bars([(SPIP, 12345, 9876)])
    svg, _html = svg_of("pacte/_paired_bar_chart.html", chart)

    assert " ".join(label_lines(svg, chart["groups"][0]["x"])) == SPIP
    assert "engagement : 12\xa0345" in [text for _x, _y, text in texts(svg)]


def test_the_width_estimate_is_never_narrower_than_the_fonts():
    """The estimate the geometry rests on, against the fonts themselves."""
    samples = [
        SPIP,
        "MMMM WWWW",
        "12\xa0345",
        "1\u202f234",
        "réalisé : 9\xa0876",
        "Illi, l’île",
        "Œuvre",
    ]
    for text in samples:
        assert dashboard.text_width(text) >= drawn_width(text), text
