"""The PDFs of a Café-métiers: A4, the right names, a readable QR code, neutral wording."""

import datetime as dt
import io
import os
import shutil
import subprocess

import pytest
import segno
from django.test import RequestFactory
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from events import documents
from events.models import RegistrationStatus
from pacte.exceptions import DomainError
from pacte.factories import StructureFactory
from tests.events.factories import EventFactory, RegistrationFactory, WorkshopFactory
from tests.helpers import require_pdf_engine

Status = RegistrationStatus
A4_POINTS = (595.28, 841.89)
FORBIDDEN_WORDS = ("pacte", "justice", "spip", "prison", "peine")
PRINT_DPI = 200


@pytest.fixture(autouse=True)
def pdf_engine():
    require_pdf_engine()


@pytest.fixture
def request_():
    return RequestFactory().get("/")


@pytest.fixture
def event(db):
    return EventFactory(date=dt.date(2018, 3, 14))


def register(event, first_name, last_name, status=Status.CONFIRMED, **participant):
    return RegistrationFactory(
        event=event,
        status=status,
        participant__first_name=first_name,
        participant__last_name=last_name,
        **{f"participant__{key}": value for key, value in participant.items()},
    )


def read_pdf(response) -> PdfReader:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    for page in reader.pages:
        size = (float(page.mediabox.width), float(page.mediabox.height))
        assert size == pytest.approx(A4_POINTS, abs=1), "every page is A4"
    return reader


def page_texts(reader) -> list[str]:
    """Each page's text, line breaks and runs of spaces as one space (cells wrap)."""
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def full_text(reader) -> str:
    return "\n".join(page_texts(reader))


def assert_neutral(reader):
    """Nothing names the programme nor hints at justice, in the pages or the metadata."""
    seen = (full_text(reader) + " " + str(reader.metadata.title or "")).lower()
    for word in FORBIDDEN_WORDS:
        assert word not in seen, f"« {word} » must not appear"


# Helpers ------------------------------------------------------------------------------


def test_dates_and_times_as_people_write_them():
    assert documents.long_date(dt.date(2018, 3, 14)) == "mercredi 14 mars 2018"
    assert documents.long_date(dt.date(2018, 3, 1)) == "jeudi 1er mars 2018"
    assert documents.time_label(dt.time(14, 0)) == "14 h 00"


def test_check_in_url_is_absolute_and_carries_the_token(event, request_, settings):
    registration = register(event, "Yanis", "Tessier")
    path = reverse("events:check_in_token", args=[registration.check_in_token])
    assert documents.check_in_url(request_, registration) == f"http://testserver{path}"
    # Without a request (an e-mail sent by a command), from the site's address.
    settings.SITE_URL = "https://cafe-metiers.example.fr/"
    assert documents.check_in_url(None, registration) == f"https://cafe-metiers.example.fr{path}"


def test_check_in_path_falls_back_when_the_url_is_not_declared(event, monkeypatch):
    registration = register(event, "Yanis", "Tessier")

    def no_such_url(*args, **kwargs):
        raise documents.NoReverseMatch

    monkeypatch.setattr(documents, "reverse", no_such_url)
    assert documents.check_in_path(registration) == f"/emargement/{registration.check_in_token}/"


# Convocation ----------------------------------------------------------------------------


def qr_modules_from_pdf(pdf: bytes) -> list[list[bool]] | None:
    """Rasterise the page (poppler) and read the QR modules at the top right of the page."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        return None
    image = subprocess.run(
        [pdftoppm, "-f", "1", "-l", "1", "-r", str(PRINT_DPI), "-gray", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    page = Image.open(io.BytesIO(image)).convert("L")
    # The QR code floats at the top right of the page; nothing else is drawn there.
    corner = page.crop((int(page.width * 0.6), 0, page.width, page.height // 2))
    return read_qr_modules(corner)


def read_qr_modules(image) -> list[list[bool]]:
    dark = [[image.getpixel((x, y)) < 128 for x in range(image.width)] for y in range(image.height)]
    top = next(y for y, row in enumerate(dark) if any(row))
    left = dark[top].index(True)
    run = next(x for x in range(left, image.width) if not dark[top][x]) - left
    module = run / 7  # the finder pattern's top edge is 7 modules wide
    size = _symbol_size(dark, top, left, module)
    return [
        [
            dark[int(top + (row + 0.5) * module)][int(left + (col + 0.5) * module)]
            for col in range(size)
        ]
        for row in range(size)
    ]


def _symbol_size(dark, top, left, module) -> int:
    """The right edge of the top-right finder pattern gives the symbol's width."""
    row = dark[int(top + module / 2)]
    right = max(x for x in range(left, len(row)) if row[x])
    return round((right - left + 1) / module)


def test_convocation_is_one_a4_page_with_name_date_place_and_qr_code(event, request_):
    registration = register(event, "Yanis", "Tessier")
    response = documents.convocation_pdf(request_, registration)

    reader = read_pdf(response)
    assert len(reader.pages) == 1
    text = full_text(reader)
    for expected in (
        "Convocation",
        "Café-métiers",
        "Yanis",
        "TESSIER",
        "mercredi 14 mars 2018",
        "14 h 00",
        "18 h 00",
        "Préfecture de Paris",
        "5 rue Leblanc, 75015 Paris",
        "pièce d'identité",
        "Préfecture de la région d'Île-de-France",  # the prefecture's heading
        "Page 1 / 1",
    ):
        assert expected in text, expected
    assert_neutral(reader)

    modules = qr_modules_from_pdf(response.content)
    if modules is None:
        message = "pdftoppm (poppler-utils) is needed to read the QR code back"
        if os.environ.get("PACTE_REQUIRE_BROWSER"):
            pytest.fail(message + " — CI installs it")
        pytest.skip(message)
    url = documents.check_in_url(request_, registration)
    expected = [[bool(bit) for bit in row] for row in segno.make_qr(url, error="m").matrix]
    assert modules == expected, "the QR code carries the check-in address of this registration"


def test_convocation_embeds_the_qr_code_as_an_inline_svg(event, request_):
    registration = register(event, "Yanis", "Tessier")
    context = documents.convocation_context(request_, registration)
    assert context["qr_code"].startswith("data:image/svg+xml")
    url = documents.check_in_url(request_, registration)
    assert context["qr_code"] == segno.make_qr(url, error="m").svg_data_uri(scale=4, border=4)


# Attendance sheet -----------------------------------------------------------------------


def test_attendance_sheet_lists_the_expected_by_last_name_with_their_structure(event, request_):
    register(event, "Zoé", "Martin", Status.INVITED)
    register(event, "Inès", "Benali", Status.CONFIRMED)
    register(event, "Yanis", "Tessier", Status.PRESENT)
    register(event, "Lucas", "Absentier", Status.ABSENT)
    register(event, "Hugo", "Attendier", Status.WAITING)
    register(event, "Léa", "Annulier", Status.CANCELLED)

    reader = read_pdf(documents.attendance_sheet_pdf(request_, event))
    text = full_text(reader)

    assert "Feuille d'émargement" in text
    assert "mercredi 14 mars 2018" in text
    for header in ("N°", "Nom", "Prénom", "Structure référente", "Signature"):
        assert header in text
    positions = [text.index(name) for name in ("BENALI", "MARTIN", "TESSIER")]
    assert positions == sorted(positions), "sorted by last name"
    for absent_from_sheet in ("ABSENTIER", "ATTENDIER", "ANNULIER"):
        assert absent_from_sheet not in text
    structure = event.registrations.get(participant__last_name="Benali").participant
    assert structure.structure_in_charge.name in text


def test_attendance_sheet_never_prints_a_justice_structure(event, request_):
    spip = StructureFactory(territory=event.territory, spip=True)
    register(event, "Yanis", "Tessier", structure_in_charge=spip)

    text = full_text(read_pdf(documents.attendance_sheet_pdf(request_, event)))

    assert "TESSIER" in text
    assert spip.name not in text
    assert "spip" not in text.lower()


def test_attendance_sheet_repeats_its_header_and_numbers_its_pages(event, request_):
    for number in range(30):
        register(event, f"Prénom{number:02d}", f"Nom{number:02d}")

    reader = read_pdf(documents.attendance_sheet_pdf(request_, event))
    pages = page_texts(reader)

    assert len(pages) >= 2
    for index, page in enumerate(pages, start=1):
        assert "Structure référente" in page and "Signature" in page, f"header on page {index}"
        assert f"Page {index} / {len(pages)}" in page
    assert "NOM29" in full_text(reader)


def test_attendance_sheet_of_a_workshop_lists_its_registrations_only(event, request_):
    workshop = WorkshopFactory(event=event, title="Se présenter en deux minutes")
    register(event, "Yanis", "Tessier").workshops.add(workshop)
    register(event, "Inès", "Benali")

    text = full_text(read_pdf(documents.attendance_sheet_pdf(request_, event, workshop)))

    assert "Se présenter en deux minutes" in text
    assert "14 h 30" in text
    assert "TESSIER" in text
    assert "BENALI" not in text


# Badges --------------------------------------------------------------------------------


def test_badges_show_first_name_and_initial_only(event, request_):
    register(event, "Yanis", "Tessier", Status.CONFIRMED)
    register(event, "Inès", "Benali", Status.PRESENT)
    register(event, "Zoé", "Martinez", Status.INVITED)

    reader = read_pdf(documents.badges_pdf(request_, event))
    text = full_text(reader)

    assert "Yanis T." in text
    assert "Inès B." in text
    assert "Café-métiers" in text
    assert "14 mars 2018" in text
    for last_name in ("Tessier", "Benali", "Martinez"):
        assert last_name.lower() not in text.lower(), "never the full last name"
    assert "Zoé" not in text, "badges are for confirmed registrations"
    assert_neutral(reader)


def test_badges_hold_ten_labels_a_page(event, request_):
    for number in range(12):
        register(event, f"Prénom{number:02d}", f"Nom{number:02d}")

    reader = read_pdf(documents.badges_pdf(request_, event))
    pages = page_texts(reader)

    assert len(pages) == 2
    assert pages[0].count("Café-métiers de la préfecture") == 10
    assert pages[1].count("Café-métiers de la préfecture") == 2


# Attestation ---------------------------------------------------------------------------


def test_attestation_of_presence(event, request_):
    registration = register(event, "Yanis", "Tessier", Status.PRESENT)

    reader = read_pdf(documents.attestation_pdf(request_, registration))
    text = full_text(reader)

    assert len(reader.pages) == 1
    assert "Attestation de présence" in text
    assert "Yanis TESSIER" in text
    assert "mercredi 14 mars 2018" in text
    assert "Préfecture de Paris (5 rue Leblanc, 75015 Paris)" in text
    assert "de 14 h 00 à 18 h 00" in text
    assert "Pour le préfet" in text
    assert "Fait le " in text
    assert_neutral(reader)


def test_no_attestation_for_someone_not_checked_in(event, request_):
    registration = register(event, "Yanis", "Tessier", Status.CONFIRMED)
    with pytest.raises(DomainError):
        documents.attestation_pdf(request_, registration)
