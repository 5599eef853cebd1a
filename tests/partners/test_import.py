"""Import and export of partners and contacts through the admin (CSV and XLSX).

The import is django-import-export's two steps: the file is posted to the import
page, which shows a preview (a dry run) and a confirmation form; the confirmation
is posted to process_import, which imports for good.
"""

import csv
import datetime as dt
import io
import tempfile
import tracemalloc
import uuid
import zipfile

import openpyxl
import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from pacte.factories import StructureFactory
from pacte.jobs import run_work
from pacte.roles import Role
from pacte.stored_files.models import StoredFile
from pacte.work import services as work_services
from pacte.work.models import BackgroundWork, WorkKind, WorkStatus
from partners.admin.imports import ImportTempStorage
from partners.import_files import (
    IMPORT_FORMATS,
    MAX_CELL_LENGTH,
    MAX_ROWS,
    MAX_UPLOAD_SIZE,
    ImportFileRefused,
)
from partners.models import Contact, Partner, PartnerKind, Sector
from tests.partners.factories import ContactFactory, PartnerFactory, fictitious_siret

CSV, XLSX = "0", "1"  # the order of the admin's import and export formats
SIRET_MESSAGE = "Ce SIRET n’est pas valide : vérifiez les 14 chiffres (clé de contrôle)."
EMPTY_MESSAGE = "Ce champ ne peut pas être vide."

PARTNER_HEADERS = [
    "Nom",
    "Type",
    "Secteur",
    "SIRET",
    "Adresse",
    "Site internet",
    "Convention signée le",
    "Fin de convention",
    "Actif",
    "Structure liée",
    "Notes",
]
CONTACT_HEADERS = [
    "Partenaire",
    "Nom",
    "Fonction",
    "E-mail",
    "Téléphone",
    "Recrute aux job-datings",
]


def url(model, step):
    return reverse(f"admin:partners_{model}_{step}")


def csv_file(headers, rows, *, delimiter=",", encoding="utf-8", name="partenaires.csv"):
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter)
    writer.writerow(headers)
    writer.writerows(rows)
    return SimpleUploadedFile(name, text.getvalue().encode(encoding), content_type="text/csv")


def xlsx_file(headers, rows, name="partenaires.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    content = io.BytesIO()
    book.save(content)
    return SimpleUploadedFile(name, content.getvalue())


def preview(client, model, upload, file_format):
    """Step 1: the file goes to the import page, which answers with a preview."""
    response = client.post(url(model, "import"), {"import_file": upload, "format": file_format})
    assert response.status_code == 200
    return response


def confirm(client, model, response):
    """Step 2: the preview's confirmation form, posted as the page would."""
    confirm_form = response.context["confirm_form"]
    data = {name: confirm_form[name].value() for name in confirm_form.fields}
    return client.post(url(model, "process_import"), data)


def import_in_two_steps(client, model, upload, file_format):
    response = preview(client, model, upload, file_format)
    assert response.context.get("confirm_form") is not None, bad_rows(response)
    response = confirm(client, model, response)
    assert response.status_code == 302
    assert response["Location"] == url(model, "changelist")
    return response


def bad_rows(response):
    """{line in the file: [(column, message), …]} from the import page."""
    result = response.context["result"]
    return {row.number + 1: row.problems for row in result.invalid_rows}


def previewed_file(name):
    """The stored file's name (in the database) of a confirmation's `import_file_name`."""
    return f"{ImportTempStorage.FOLDER}/{name}"


def stored_files():
    """The previews' files kept in the database."""
    previews = StoredFile.objects.filter(name__startswith=f"{ImportTempStorage.FOLDER}/")
    return set(previews.values_list("name", flat=True))


def change_stored_file(name, content):
    """What the stored file holds, changed behind the application's back."""
    changed = StoredFile.objects.filter(name=name).update(content=content, size=len(content))
    assert changed == 1


@pytest.fixture
def coordination(users, client_for):
    return client_for(users[Role.COORDINATOR])


@pytest.fixture
def administration(users, client_for):
    return client_for(users[Role.ADMINISTRATOR])


# Partners: valid files -----------------------------------------------------------------


VALID_ROWS = [
    # A kind and a sector by their French label, another by their code.
    [
        "Lidl",
        "Employeur",
        "Commerce et grande distribution",
        fictitious_siret(1),
        "12 rue de Rivoli",
        "https://www.lidl.fr",
        "15/01/2026",
        "31/12/2026",
        "oui",
        "",
        "Job-dating en mars",
    ],
    [
        "Mission locale de Paris",
        "mission_locale",
        "public",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
]


@pytest.mark.django_db
def test_a_valid_csv_is_previewed_then_imported_in_the_coordinator_s_territory(
    users, coordination, paris
):
    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, VALID_ROWS), CSV)

    # The preview writes nothing, and shows each row with its French values.
    assert not Partner.objects.exists()
    page = response.content.decode()
    assert "Commerce et grande distribution" in page
    assert "Mission locale de Paris" in page

    confirm(coordination, "partner", response)

    lidl = Partner.objects.get(name="Lidl")
    assert lidl.territory == paris
    assert (lidl.kind, lidl.sector, lidl.siret) == (
        PartnerKind.EMPLOYER,
        Sector.RETAIL,
        fictitious_siret(1),
    )
    assert (lidl.agreement_signed_on, lidl.agreement_ends_on) == (
        dt.date(2026, 1, 15),
        dt.date(2026, 12, 31),
    )
    assert lidl.is_active and lidl.notes == "Job-dating en mars"
    mission_locale = Partner.objects.get(name="Mission locale de Paris")
    assert (mission_locale.territory, mission_locale.kind) == (paris, PartnerKind.MISSION_LOCALE)
    assert mission_locale.is_active  # an empty cell: the default for a new partner

    # Who imported what is in the history.
    version = lidl.history.get()
    assert version.history_user == users[Role.COORDINATOR]
    assert version.history_change_reason == "Import du fichier « partenaires.csv »"


@pytest.mark.django_db
def test_a_valid_xlsx_is_imported_with_its_spreadsheet_dates_and_numbers(
    users, coordination, paris
):
    rows = [
        [
            "Carrefour",
            "employeur",  # any case
            "Hotellerie et restauration",  # accents left out
            int(fictitious_siret(2)),  # typed as a number
            "",
            "",
            dt.datetime(2026, 2, 1),  # a date cell
            dt.date(2027, 1, 31),
            "non",
            None,
            None,
        ],
    ]

    import_in_two_steps(coordination, "partner", xlsx_file(PARTNER_HEADERS, rows), XLSX)

    carrefour = Partner.objects.get()
    assert carrefour.territory == paris
    assert (carrefour.kind, carrefour.sector) == (PartnerKind.EMPLOYER, Sector.HOSPITALITY)
    assert carrefour.siret == fictitious_siret(2)
    assert carrefour.agreement_signed_on == dt.date(2026, 2, 1)
    assert carrefour.agreement_ends_on == dt.date(2027, 1, 31)
    assert carrefour.is_active is False


@pytest.mark.django_db
def test_a_french_spreadsheet_s_csv_is_read_semicolons_and_windows_1252(users, coordination, paris):
    upload = csv_file(
        ["nom", "type", "SIRET", "site internet"],  # headers as typed by hand
        [["Galeries Lafayette", "Employeur", "732 829 320 00074", ""]],
        delimiter=";",
        encoding="cp1252",
    )

    import_in_two_steps(coordination, "partner", upload, CSV)

    assert Partner.objects.get().siret == "73282932000074"


@pytest.mark.django_db
def test_a_known_name_updates_the_partner_of_the_territory_only(
    users, coordination, paris, other_territory
):
    mine = PartnerFactory(territory=paris, name="Lidl", notes="")
    theirs = PartnerFactory(territory=other_territory, name="Lidl", notes="")
    rows = [["Lidl", "Employeur", "", mine.siret, "", "", "", "", "", "", "Nouveau contact RH"]]

    import_in_two_steps(coordination, "partner", csv_file(PARTNER_HEADERS, rows), CSV)

    assert Partner.objects.count() == 2
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.notes == "Nouveau contact RH"
    assert theirs.notes == ""


@pytest.mark.django_db
def test_a_territory_column_typed_by_a_coordinator_is_ignored(
    users, coordination, paris, other_territory
):
    upload = csv_file(
        ["Territoire", "Nom", "Type", "SIRET"],
        [[other_territory.code, "Franprix", "Employeur", fictitious_siret(3)]],
    )

    import_in_two_steps(coordination, "partner", upload, CSV)

    assert Partner.objects.get().territory == paris


@pytest.mark.django_db
def test_the_linked_structure_is_found_by_name_in_the_territory(
    users, coordination, paris, other_territory
):
    here = StructureFactory(territory=paris, company=True, name="Lidl (comptes)")
    StructureFactory(territory=other_territory, company=True, name="Lidl 93 (comptes)")
    rows = [
        ["Lidl", "Employeur", "", fictitious_siret(4), *[""] * 5, "Lidl (comptes)", ""],
        ["Lidl 93", "Employeur", "", fictitious_siret(5), *[""] * 5, "Lidl 93 (comptes)", ""],
    ]

    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, rows), CSV)
    message = "Structure « Lidl 93 (comptes) » introuvable dans votre territoire."
    assert bad_rows(response) == {3: [("Structure liée", message)]}

    import_in_two_steps(coordination, "partner", csv_file(PARTNER_HEADERS, rows[:1]), CSV)
    assert Partner.objects.get().structure == here


@pytest.mark.django_db
def test_an_administrator_imports_into_the_territory_named_in_the_file(
    users, administration, paris, other_territory
):
    upload = csv_file(
        ["Territoire", "Nom", "Type", "SIRET"],
        [
            ["75", "Lidl", "Employeur", fictitious_siret(6)],
            [other_territory.code, "Lidl", "Employeur", fictitious_siret(7)],
        ],
    )

    import_in_two_steps(administration, "partner", upload, CSV)

    assert set(Partner.objects.values_list("territory__code", "siret")) == {
        ("75", fictitious_siret(6)),
        (other_territory.code, fictitious_siret(7)),
    }


# Partners: bad files -------------------------------------------------------------------


MALFORMED_ROWS = [
    ["Lidl", "Employeur", "", fictitious_siret(1), "", "", "", "", "", "", ""],  # line 2: fine
    ["Carrefour", "Employeur", "", "12345678901234", "", "", "", "", "", "", ""],  # bad key
    ["", "Employeur", "", fictitious_siret(2), "", "", "", "", "", "", ""],  # no name
    ["Franprix", "Supermarché", "", fictitious_siret(3), "", "", "", "", "", "", ""],
    ["Akor", "Organisme de formation", "", "", "", "", "", "", "", "", ""],  # no SIRET
    ["Géant", "Employeur", "Boulangerie", "7328293200007A", "", "", "32/01/2026", "", "", "", ""],
    ["", "", "", "", "", "", "", "", "", "", ""],  # an empty line is no error
    ["CLJT", "Logement", "", fictitious_siret(4), "", "", "", "", "peut-être", "", ""],
]


def assert_malformed_rows_reported(response):
    assert response.context.get("confirm_form") is None  # nothing to confirm
    kinds = "Employeur ; Service public de l’emploi ; Mission locale ; Logement ; "
    assert bad_rows(response) == {
        3: [("SIRET", SIRET_MESSAGE)],
        4: [("Nom", EMPTY_MESSAGE)],
        5: [
            (
                "Type",
                f"Type inconnu : « Supermarché ». Valeurs possibles : {kinds}"
                "Justice (SPIP, PJJ) ; Organisme de formation ; Association.",
            )
        ],
        6: [("SIRET", "Le SIRET est obligatoire pour ce type de partenaire.")],
        7: [
            (
                "Secteur",
                "Secteur inconnu : « Boulangerie ». Valeurs possibles : Commerce et grande "
                "distribution ; Logistique et transport ; Hôtellerie et restauration ; "
                "Bâtiment et travaux publics ; Propreté ; Sécurité ; Services à la personne ; "
                "Service public ; Autre.",
            ),
            (
                "Convention signée le",
                "Date illisible : « 32/01/2026 » (attendue au format JJ/MM/AAAA).",
            ),
            ("SIRET", SIRET_MESSAGE),
        ],
        9: [("Actif", "« peut-être » n’est pas compris : écrivez oui ou non.")],
    }
    page = response.content.decode()
    assert "6 lignes à corriger : rien ne sera importé" in page
    for line in (3, 4, 5, 6, 7, 9):
        assert f'<th scope="row">{line}</th>' in page
    assert SIRET_MESSAGE in page


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_a_file_with_bad_rows_imports_nothing_and_lists_each_with_its_line(
    users, coordination, file_format
):
    upload = (
        csv_file(PARTNER_HEADERS, MALFORMED_ROWS)
        if file_format == CSV
        else xlsx_file(PARTNER_HEADERS, MALFORMED_ROWS)
    )

    response = preview(coordination, "partner", upload, file_format)

    assert_malformed_rows_reported(response)
    assert not Partner.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_file_changed_after_its_preview_is_rolled_back_entirely(users, client_for):
    """Past the preview (the stored file changed meanwhile): the valid rows written
    before the bad one are rolled back with it, for real."""
    coordination = client_for(users[Role.COORDINATOR])
    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, VALID_ROWS), CSV)
    change_stored_file(
        previewed_file(response.context["confirm_form"]["import_file_name"].value()),
        csv_file(PARTNER_HEADERS, MALFORMED_ROWS).read(),
    )

    response = confirm(coordination, "partner", response)

    assert response.status_code == 302
    assert response["Location"] == url("partner", "import")
    assert not Partner.objects.exists()
    assert not Partner.history.exists()
    messages = [str(message) for message in response.wsgi_request._messages]
    assert messages == [
        "Rien n’a été importé : le fichier contient des erreurs. "
        "Chargez-le à nouveau pour voir lesquelles."
    ]


@pytest.mark.django_db
def test_the_uploaded_file_does_not_outlive_its_import(users, coordination):
    """It holds contacts' details: removed once confirmed, or a day after an
    abandoned preview (at the next upload)."""
    abandoned = ImportTempStorage(encoding=None, read_mode="rb")
    abandoned.save(b"Nom\nLidl\n")
    recent = ImportTempStorage(encoding=None, read_mode="rb")
    recent.save(b"Nom\nFranprix\n")
    for storage, hours in ((abandoned, 48), (recent, 23)):
        StoredFile.objects.filter(name=storage.get_full_path()).update(
            created_at=timezone.now() - dt.timedelta(hours=hours)
        )

    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, VALID_ROWS), CSV)
    name = response.context["confirm_form"]["import_file_name"].value()

    assert ImportTempStorage.NAME.fullmatch(name)
    assert stored_files() == {recent.get_full_path(), previewed_file(name)}
    confirm(coordination, "partner", response)
    assert stored_files() == {recent.get_full_path()}


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_a_preview_keeps_its_file_in_the_database_and_writes_nothing_to_the_disk(
    users, coordination, monkeypatch, tmp_path, file_format
):
    """The confirmation may reach another app node than the preview (or a job worker
    read the file): the uploaded file is a row of the database, never a file of the
    node's temporary folder."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    upload = (csv_file if file_format == CSV else xlsx_file)(PARTNER_HEADERS, VALID_ROWS)
    content = upload.read()
    upload.seek(0)

    response = preview(coordination, "partner", upload, file_format)

    name = confirm_data(response)["import_file_name"]
    assert ImportTempStorage.NAME.fullmatch(name)
    stored = StoredFile.objects.get(name=f"import-previews/{name}")
    assert (bytes(stored.content), stored.size) == (content, len(content))
    assert stored_files() == {stored.name}
    assert list(folder.iterdir()) == []

    assert confirm(coordination, "partner", response).status_code == 302
    assert Partner.objects.count() == 2
    assert stored_files() == set()
    assert list(folder.iterdir()) == []


@pytest.mark.django_db
def test_a_file_without_the_name_column_says_which_columns_are_expected(users, coordination):
    upload = csv_file(["Raison sociale", "Type"], [["Lidl", "Employeur"]])

    response = preview(coordination, "partner", upload, CSV)

    assert response.context.get("confirm_form") is None
    page = response.content.decode()
    assert "Colonne manquante : Nom." in page
    assert "Traceback" not in page
    assert not Partner.objects.exists()


@pytest.mark.django_db
def test_a_file_that_is_no_spreadsheet_is_refused_politely(users, coordination):
    upload = SimpleUploadedFile("partenaires.xlsx", b"not a spreadsheet")

    response = preview(coordination, "partner", upload, XLSX)

    assert response.context["form"].errors["import_file"]
    assert not Partner.objects.exists()


# Partners: files past the limits -------------------------------------------------------


def partner_row(n, notes=""):
    return [f"Entreprise {n}", "Employeur", "", fictitious_siret(n), *[""] * 6, notes]


def xlsx_with_a_long_cell(length, name="partenaires.xlsx"):
    """Line 2 with notes of `length` characters. openpyxl cuts a cell to Excel's own
    32,767 characters: a longer one is made by hand, written into the sheet's XML
    piece by piece (the test holds no such string)."""
    written = xlsx_file(PARTNER_HEADERS, [partner_row(1, notes="LONG-CELL")]).read()
    content = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(written)) as source,
        zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as crafted,
    ):
        for member in source.infolist():
            data = source.read(member)
            if member.filename != "xl/worksheets/sheet1.xml":
                crafted.writestr(member, data)
                continue
            before, after = data.split(b"LONG-CELL")
            with crafted.open(member.filename, "w") as sheet:
                sheet.write(before)
                for start in range(0, length, 1_000_000):
                    sheet.write(b"x" * min(1_000_000, length - start))
                sheet.write(after)
    return SimpleUploadedFile(name, content.getvalue())


def post_refused(client, upload, file_format):
    """The preview of a file past the limits: the form, its errors, nothing else."""
    before = stored_files()
    response = preview(client, "partner", upload, file_format)
    assert response.context.get("result") is None  # not a row imported, even for a try
    assert response.context.get("confirm_form") is None
    assert stored_files() == before  # the refused file is not kept
    assert not Partner.objects.exists()
    # French numbers are grouped with a no-break space: compared as plain spaces.
    return [" ".join(error.split()) for error in response.context["form"].errors["import_file"]]


TOO_MANY_ROWS = (
    "Le fichier compte plus de 2 000 lignes : découpez-le en plusieurs fichiers de 2 000 "
    "lignes au plus."
)


@pytest.mark.django_db
def test_a_csv_past_the_row_limit_is_refused_with_its_too_long_cells_in_one_pass(
    users, coordination
):
    rows = [partner_row(n) for n in range(1, MAX_ROWS + 2)]
    rows[10][0] = "N" * (MAX_CELL_LENGTH + 1)  # line 12
    rows[28][10] = "x" * 5000  # line 30

    errors = post_refused(coordination, csv_file(PARTNER_HEADERS, rows), CSV)

    assert errors == [
        "La ligne 12, colonne « Nom », dépasse 1 000 caractères.",
        "La ligne 30, colonne « Notes », dépasse 1 000 caractères.",
        TOO_MANY_ROWS,
    ]


@pytest.mark.django_db
def test_an_xlsx_past_the_row_limit_is_refused(users, coordination):
    rows = [partner_row(n) for n in range(1, MAX_ROWS + 2)]

    errors = post_refused(coordination, xlsx_file(PARTNER_HEADERS, rows), XLSX)

    assert errors == [TOO_MANY_ROWS]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("length", "message"),
    [
        (MAX_CELL_LENGTH + 1, "La ligne 2, colonne « Notes », dépasse 1 000 caractères."),
        # Past the csv module's own limit on a field (128 kB).
        (200_000, "La ligne 2 a une cellule de plus de 1 000 caractères."),
    ],
)
def test_a_csv_cell_past_the_limit_is_refused(users, coordination, length, message):
    upload = csv_file(PARTNER_HEADERS, [partner_row(1, notes="x" * length)])

    assert post_refused(coordination, upload, CSV) == [message]


@pytest.mark.django_db
def test_an_xlsx_cell_of_megabytes_is_refused_and_never_shown(users, coordination):
    upload = xlsx_with_a_long_cell(5_000_000)
    assert upload.size < 20_000

    errors = post_refused(coordination, upload, XLSX)

    assert errors == ["La ligne 2, colonne « Notes », dépasse 1 000 caractères."]


@pytest.mark.django_db
def test_an_xlsx_of_40_mb_once_decompressed_is_refused_before_it_is_decompressed(
    users, coordination
):
    """The 42 kB file with one cell of 40 MB added 260 MB to a worker and made a
    preview page of 42 MB."""
    upload = xlsx_with_a_long_cell(40_000_000)
    assert upload.size < 50_000
    post_refused(coordination, upload, XLSX)  # once first: what a first request loads
    upload.seek(0)

    tracemalloc.start()
    try:
        errors = post_refused(coordination, upload, XLSX)
        _size, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert errors == [
        "Ce classeur fait 38,2 Mo une fois décompressé : la limite est de 10 Mo. N’y gardez "
        "que la liste à importer, en 2 000 lignes au plus, ou découpez-la en plusieurs fichiers."
    ]
    assert peak < 2_000_000  # the whole request (0.35 MB measured): the cell is never read


@pytest.mark.django_db
def test_an_upload_past_the_size_limit_is_refused_from_its_size_alone(
    users, coordination, monkeypatch
):
    # 2,000 rows of 1,000-character notes: within the other limits, over 2 MB.
    upload = csv_file(PARTNER_HEADERS, [partner_row(n, "x" * 1_000) for n in range(1, 2_001)])
    assert upload.size > MAX_UPLOAD_SIZE

    def not_read(*args, **kwargs):
        raise AssertionError("a file past the size limit is not read")

    monkeypatch.setattr(IMPORT_FORMATS[0], "create_dataset", not_read)
    errors = post_refused(coordination, upload, CSV)

    assert errors == [
        "Le fichier fait 2,1 Mo : la limite est de 2 Mo. Découpez-le en plusieurs fichiers."
    ]


@pytest.mark.parametrize("file_format", IMPORT_FORMATS)
def test_a_file_at_the_limits_is_read_whole(file_format):
    """The limits refuse no real file: 2,000 rows, a cell of 1,000 characters, and
    the empty rows a spreadsheet leaves at the end (neither counted nor kept)."""
    rows = [partner_row(n) for n in range(1, MAX_ROWS + 1)]
    rows[-1][10] = "x" * MAX_CELL_LENGTH
    rows += [[""] * len(PARTNER_HEADERS)] * 10
    make = csv_file if file_format is IMPORT_FORMATS[0] else xlsx_file

    dataset = file_format().create_dataset(make(PARTNER_HEADERS, rows).read())

    assert dataset.headers == PARTNER_HEADERS
    assert len(dataset) == MAX_ROWS
    assert dataset[-1][10] == "x" * MAX_CELL_LENGTH


def test_blank_rows_within_the_file_count_as_lines():
    """Kept so that row numbers are the file's lines: they count towards the limit."""
    rows = [partner_row(1), *[[""] * len(PARTNER_HEADERS)] * MAX_ROWS, partner_row(2)]

    with pytest.raises(ImportFileRefused) as refused:
        IMPORT_FORMATS[0]().create_dataset(csv_file(PARTNER_HEADERS, rows).read())

    assert [" ".join(message.split()) for message in refused.value.messages] == [TOO_MANY_ROWS]


@pytest.mark.django_db
def test_a_long_file_name_fits_in_the_history(users, coordination):
    name = "partenaires-" + "x" * 200 + ".csv"

    import_in_two_steps(
        coordination, "partner", csv_file(PARTNER_HEADERS, VALID_ROWS[:1], name=name), CSV
    )

    reason = Partner.objects.get().history.get().history_change_reason
    assert len(reason) <= 100
    assert reason.startswith("Import du fichier « partenaires-xxx")


# The confirmation ----------------------------------------------------------------------


def confirm_data(response):
    confirm_form = response.context["confirm_form"]
    return {name: confirm_form[name].value() for name in confirm_form.fields}


def assert_confirmation_refused(response):
    assert response.status_code == 400
    assert [template.name for template in response.templates][0] == (
        "admin/partners/import_refused.html"
    )
    assert "Cette confirmation d’import n’est pas valable" in response.content.decode()
    assert not Partner.objects.exists()


def another_stored_file():
    other = ImportTempStorage(encoding=None, read_mode="rb")
    other.save(f"Nom;Type;SIRET\nFranprix;Employeur;{fictitious_siret(9)}\n".encode())
    return other.name


# What a forged confirmation changes in the genuine one.
FORGERIES = {
    "no token": lambda data: data.pop("token"),
    "tampered token": lambda data: data.update(token=data["token"][:-3] + "abc"),
    "path out of the storage": lambda data: data.update(import_file_name="../../etc/passwd"),
    "absolute path": lambda data: data.update(import_file_name="/etc/passwd"),
    "another file of the storage": lambda data: data.update(import_file_name=another_stored_file()),
    "the name with its folder": lambda data: data.update(
        import_file_name=previewed_file(data["import_file_name"])
    ),
    "unknown file": lambda data: data.update(import_file_name=uuid.uuid4().hex),
    "the CSV read as XLSX": lambda data: data.update(format=XLSX),
    "format out of the list": lambda data: data.update(format="7"),
    "format no number": lambda data: data.update(format="x"),
    "format negative": lambda data: data.update(format="-1"),
    "resource out of the list": lambda data: data.update(resource="1"),
    "another original name": lambda data: data.update(original_file_name="autre.csv"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_confirmation_answers_400_and_reads_no_file(
    users, coordination, monkeypatch, forgery
):
    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, VALID_ROWS), CSV)
    genuine = confirm_data(response)
    data = dict(genuine)
    FORGERIES[forgery](data)

    def not_read(storage):
        raise AssertionError(f"{storage.name} read")

    with monkeypatch.context() as patched:
        patched.setattr(ImportTempStorage, "read", not_read)
        response = coordination.post(url("partner", "process_import"), data)

    assert_confirmation_refused(response)
    # The genuine confirmation is still possible: the previewed file is kept.
    response = coordination.post(url("partner", "process_import"), genuine)
    assert response.status_code == 302
    assert Partner.objects.count() == 2


@pytest.mark.django_db
def test_a_confirmation_is_the_previewing_user_s_only(users, coordination, client_for):
    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, VALID_ROWS), CSV)
    other = client_for(users["other_coordinator"])

    assert_confirmation_refused(
        other.post(url("partner", "process_import"), confirm_data(response))
    )


@pytest.mark.django_db
def test_a_confirmation_posted_twice_imports_once(users, coordination):
    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, VALID_ROWS), CSV)
    data = confirm_data(response)
    assert coordination.post(url("partner", "process_import"), data).status_code == 302

    response = coordination.post(url("partner", "process_import"), data)

    assert response.status_code == 400
    assert Partner.objects.count() == 2


# Contacts ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_contacts_are_matched_to_a_partner_of_the_territory_by_name(
    users, coordination, paris, other_territory
):
    lidl = PartnerFactory(territory=paris, name="Lidl")
    PartnerFactory(territory=other_territory, name="Lidl")
    existing = ContactFactory(partner=lidl, name="Claire Martin", role="RH")
    rows = [
        ["Lidl", "Claire Martin", "Directrice RH", "claire@lidl.exemple.fr", "", "oui"],
        ["lidl", "Karim Haddad", "Manager", "", "+33 6 12 34 56 78", "non"],
    ]

    import_in_two_steps(coordination, "contact", csv_file(CONTACT_HEADERS, rows), CSV)

    assert Contact.objects.count() == 2
    existing.refresh_from_db()
    assert (existing.role, existing.email) == ("Directrice RH", "claire@lidl.exemple.fr")
    karim = Contact.objects.get(name="Karim Haddad")
    assert karim.partner == lidl
    assert (karim.phone, karim.is_recruiter) == ("+33 6 12 34 56 78", False)


@pytest.mark.django_db
@pytest.mark.parametrize("file_format", [CSV, XLSX])
def test_a_contact_for_an_unknown_partner_is_a_row_error(
    users, coordination, paris, other_territory, file_format
):
    PartnerFactory(territory=paris, name="Lidl")
    PartnerFactory(territory=other_territory, name="Franprix Bobigny")
    rows = [
        ["Lidl", "Claire Martin", "", "", "", ""],
        ["Franprix Bobigny", "Paul Durand", "", "", "", ""],  # another territory's
        ["Carrefour", "Inès Morel", "", "pas-une-adresse", "", ""],
    ]
    make = csv_file if file_format == CSV else xlsx_file

    response = preview(coordination, "contact", make(CONTACT_HEADERS, rows), file_format)

    assert bad_rows(response) == {
        3: [("Partenaire", "Partenaire « Franprix Bobigny » introuvable dans votre territoire.")],
        4: [
            ("Partenaire", "Partenaire « Carrefour » introuvable dans votre territoire."),
            ("E-mail", "Saisissez une adresse de courriel valide."),
        ],
    }
    assert not Contact.objects.exists()


@pytest.mark.django_db
def test_an_administrator_s_contacts_find_their_partner_in_the_territory_of_the_row(
    users, administration, paris, other_territory
):
    lidl_paris = PartnerFactory(territory=paris, name="Lidl")
    lidl_there = PartnerFactory(territory=other_territory, name="Lidl")
    upload = csv_file(
        ["Territoire", *CONTACT_HEADERS],
        [
            ["75", "Lidl", "Claire Martin", "", "", "", "oui"],
            [other_territory.code, "Lidl", "Paul Durand", "", "", "", "non"],
            ["", "Lidl", "Sans territoire", "", "", "", ""],
        ],
    )

    response = preview(administration, "contact", upload, CSV)
    assert bad_rows(response) == {
        4: [("Partenaire", "Partenaire « Lidl » introuvable (colonne Territoire vide).")]
    }

    upload.seek(0)
    rows = upload.read().decode().splitlines()[:-1]
    fixed = SimpleUploadedFile("contacts.csv", "\n".join(rows).encode())
    import_in_two_steps(administration, "contact", fixed, CSV)
    assert Contact.objects.get(name="Claire Martin").partner == lidl_paris
    assert Contact.objects.get(name="Paul Durand").partner == lidl_there


# Export --------------------------------------------------------------------------------


def export_form_data(client, model, file_format):
    form = client.get(url(model, "export")).context["form"]
    data = {"format": file_format, "resource": "0"}
    # Every column, as the export page checks them all.
    for name, field in form.fields.items():
        if getattr(field, "is_selectable_field", False):
            data[name] = "on"
    return data


def export(client, model, file_format, query=""):
    response = client.post(
        url(model, "export") + query, export_form_data(client, model, file_format)
    )
    assert response.status_code == 200
    return response


def csv_rows(response):
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def xlsx_rows(response):
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


@pytest.fixture
def partners_of_two_territories(paris, other_territory):
    lidl = PartnerFactory(
        territory=paris,
        name="Lidl",
        sector=Sector.RETAIL,
        agreement_signed_on=dt.date(2026, 1, 15),
        agreement_ends_on=dt.date(2026, 12, 31),
        notes='=HYPERLINK("http://exemple.fr")',
    )
    ContactFactory(partner=lidl, name="Claire Martin", phone="+33 1 23 45 67 89")
    theirs = PartnerFactory(territory=other_territory, name="Franprix Bobigny")
    ContactFactory(partner=theirs, name="Paul Durand")
    return lidl, theirs


@pytest.mark.django_db
def test_the_csv_export_holds_the_coordinator_s_territory_in_french(
    users, coordination, partners_of_two_territories
):
    lidl, _theirs = partners_of_two_territories

    response = export(coordination, "partner", CSV)

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="partenaires-' in response["Content-Disposition"]
    assert response.content.startswith("\ufeff".encode())  # UTF-8 for spreadsheets
    assert csv_rows(response) == [
        PARTNER_HEADERS,
        [
            "Lidl",
            "Employeur",
            "Commerce et grande distribution",
            lidl.siret,
            lidl.address,
            "",
            "15/01/2026",
            "31/12/2026",
            "oui",
            "",
            '\'=HYPERLINK("http://exemple.fr")',  # no formula runs in a spreadsheet
        ],
    ]


@pytest.mark.django_db
def test_the_xlsx_export_holds_the_coordinator_s_territory(
    users, coordination, partners_of_two_territories
):
    lidl, _theirs = partners_of_two_territories

    rows = xlsx_rows(export(coordination, "partner", XLSX))

    assert rows[0] == PARTNER_HEADERS
    assert [row[0] for row in rows[1:]] == ["Lidl"]
    assert rows[1][1:4] == ["Employeur", "Commerce et grande distribution", lidl.siret]
    assert rows[1][6] == dt.datetime(2026, 1, 15)  # a real date cell


@pytest.mark.django_db
def test_an_export_can_be_imported_again_unchanged(
    users, coordination, partners_of_two_territories
):
    lidl, _theirs = partners_of_two_territories
    exported = export(coordination, "partner", XLSX).content

    upload = SimpleUploadedFile("partenaires.xlsx", exported)
    import_in_two_steps(coordination, "partner", upload, XLSX)

    assert Partner.objects.count() == 2
    before = lidl.notes
    lidl.refresh_from_db()
    assert lidl.notes == before


@pytest.mark.django_db
def test_the_contacts_export_holds_the_territory_s_contacts(
    users, coordination, partners_of_two_territories
):
    rows = csv_rows(export(coordination, "contact", CSV))

    assert rows[0] == CONTACT_HEADERS
    assert [row[:2] for row in rows[1:]] == [["Lidl", "Claire Martin"]]
    assert rows[1][4] == "+33 1 23 45 67 89"  # a phone number is no formula


@pytest.mark.django_db
def test_an_administrator_exports_every_territory_with_its_code(
    users, administration, partners_of_two_territories, other_territory
):
    rows = csv_rows(export(administration, "partner", CSV))

    assert rows[0] == ["Territoire", *PARTNER_HEADERS]
    assert sorted((row[0], row[1]) for row in rows[1:]) == [
        ("75", "Lidl"),
        (other_territory.code, "Franprix Bobigny"),
    ]


@pytest.mark.django_db
def test_export_respects_the_list_s_filters(users, coordination, paris):
    PartnerFactory(territory=paris, name="Lidl", is_active=True)
    PartnerFactory(territory=paris, name="Ancien partenaire", is_active=False)

    response = export(coordination, "partner", CSV, query="?is_active__exact=0")

    assert [row[0] for row in csv_rows(response)[1:]] == ["Ancien partenaire"]


@pytest.mark.django_db
def test_roles_out_of_the_admin_site_can_neither_import_nor_export(users, client_for):
    for role in (Role.PILOT, Role.COUNSELLOR, Role.RECRUITER):
        client = client_for(users[role])
        for step in ("import", "export"):
            response = client.get(url("partner", step))
            assert response.status_code == 302
            assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize("model", ["partner", "contact"])
def test_the_import_page_explains_the_columns(users, coordination, administration, model):
    page = coordination.get(url(model, "import")).content.decode()
    assert "rien n’est importé tant qu’une seule ligne est en erreur" in page
    assert "Territoire" not in page.split("importer les champs suivants")[1].split("</code>")[0]
    if model == "partner":
        assert "Service public de l’emploi" in page  # the kinds one may type

    page = administration.get(url(model, "import")).content.decode()
    assert "Territoire" in page.split("importer les champs suivants")[1].split("</code>")[0]


# Long files: imported by the job cluster -------------------------------------------------


@pytest.fixture
def long_files(settings):
    """Past 3 rows a confirmed file is imported as background work (PACTE_IMPORT_INLINE_MAX)."""
    settings.PACTE_IMPORT_INLINE_MAX = 3


def work_files():
    """The work's files kept in the database (the jobs' copies of confirmed files)."""
    return set(StoredFile.objects.filter(name__startswith="work/").values_list("name", flat=True))


def confirm_as_work(client, model, response, capture):
    with capture(execute=True):
        response = confirm(client, model, response)
    work = BackgroundWork.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("work:detail", args=[work.pk])
    work.refresh_from_db()
    return work


@pytest.mark.django_db
def test_a_file_past_the_inline_max_is_imported_whole_by_a_job(
    users, coordination, paris, long_files, django_capture_on_commit_callbacks
):
    PartnerFactory(territory=paris, name="Entreprise 1", siret=fictitious_siret(1), notes="")
    rows = [partner_row(n, notes=f"Ligne {n}") for n in range(1, 6)]
    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, rows), CSV)
    assert "il est importé en arrière-plan (tout ou rien)" in response.content.decode()
    data = confirm_data(response)
    previewed = previewed_file(data["import_file_name"])
    assert stored_files() == {previewed}

    work = confirm_as_work(coordination, "partner", response, django_capture_on_commit_callbacks)

    assert (work.kind, work.status, work.requested_by, work.territory) == (
        WorkKind.PARTNERS_IMPORT,
        WorkStatus.DONE,
        users[Role.COORDINATOR],
        paris,
    )
    assert (work.done, work.total) == (5, 5)
    assert work.message == "Import terminé : 4 ajouts, 1 mise à jour."
    assert sorted(Partner.objects.filter(territory=paris).values_list("notes", flat=True)) == [
        f"Ligne {n}" for n in range(1, 6)
    ]
    # Who imported, as for a file imported in the request: the history and the admin's log.
    version = Partner.objects.get(name="Entreprise 3").history.get()
    assert version.history_user == users[Role.COORDINATOR]
    assert version.history_change_reason == "Import du fichier « partenaires.csv »"
    assert LogEntry.objects.filter(user=users[Role.COORDINATOR]).count() == 5
    # Neither the previewed file nor the job's copy is left, and the confirmation is spent.
    assert stored_files() == set()
    assert work_files() == set()
    assert coordination.post(url("partner", "process_import"), data).status_code == 400
    page = coordination.get(reverse("work:detail", args=[work.pk])).content.decode()
    assert "Import terminé : 4 ajouts, 1 mise à jour." in page
    assert url("partner", "changelist") in page


@pytest.mark.django_db
def test_a_file_of_the_inline_max_is_imported_in_the_request(
    users, coordination, long_files, django_capture_on_commit_callbacks
):
    rows = [partner_row(n) for n in range(1, 4)]
    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, rows), CSV)
    assert "en arrière-plan" not in response.content.decode()

    confirm(coordination, "partner", response)

    assert Partner.objects.count() == 3
    assert not BackgroundWork.objects.exists()


def queue_without_running(monkeypatch):
    """The work's job held back (the cluster not there yet): the pks it was given."""
    queued = []
    monkeypatch.setattr(work_services, "work_enqueue", queued.append)
    return queued


@pytest.mark.django_db(transaction=True)
def test_a_file_changed_before_its_job_imports_nothing_and_says_which_lines(
    users, client_for, long_files, monkeypatch
):
    """For real transactions: the valid rows before the bad one are rolled back with it."""
    coordination = client_for(users[Role.COORDINATOR])
    rows = [partner_row(n) for n in range(1, 6)]
    queued = queue_without_running(monkeypatch)
    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, rows), CSV)
    confirm(coordination, "partner", response)
    (work,) = BackgroundWork.objects.all()
    assert queued == [work.pk]
    rows[2][3] = "12345678901234"  # line 4: a SIRET of a bad key
    rows[4][0] = ""  # line 6: no name
    assert work_files() == {work.parameters["input"]}
    change_stored_file(work.parameters["input"], csv_file(PARTNER_HEADERS, rows).read())

    assert run_work(work.pk) == WorkStatus.FAILED

    work.refresh_from_db()
    assert work.message == "Rien n’a été importé : le fichier contient des erreurs."
    assert work.details == [f"Ligne 4, SIRET : {SIRET_MESSAGE}", f"Ligne 6, Nom : {EMPTY_MESSAGE}"]
    assert not Partner.objects.exists()
    assert not Partner.history.exists()
    assert work_files() == set()
    page = coordination.get(reverse("work:detail", args=[work.pk])).content.decode()
    assert f"<li>Ligne 4, SIRET : {SIRET_MESSAGE}</li>" in page


@pytest.mark.django_db(transaction=True)
def test_an_error_once_the_rows_are_written_rolls_them_all_back(
    users, client_for, long_files, monkeypatch
):
    coordination = client_for(users[Role.COORDINATOR])
    queued = queue_without_running(monkeypatch)
    rows = [partner_row(n) for n in range(1, 6)]
    confirm(
        coordination,
        "partner",
        preview(coordination, "partner", csv_file(PARTNER_HEADERS, rows), CSV),
    )
    from partners.admin.partners import PartnerAdmin

    def fails(self, result, request):
        assert Partner.objects.count() == 5  # written, not committed
        raise RuntimeError("the database went away")

    monkeypatch.setattr(PartnerAdmin, "generate_log_entries", fails)

    assert run_work(queued[0]) == WorkStatus.FAILED

    assert not Partner.objects.exists()
    assert not Partner.history.exists()
    assert "erreur technique" in BackgroundWork.objects.get().message


@pytest.mark.django_db
@pytest.mark.parametrize("forgery", FORGERIES)
def test_a_forged_confirmation_of_a_long_file_answers_400_and_queues_nothing(
    users, coordination, long_files, forgery
):
    rows = [partner_row(n) for n in range(1, 6)]
    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, rows), CSV)
    data = confirm_data(response)
    FORGERIES[forgery](data)

    assert_confirmation_refused(coordination.post(url("partner", "process_import"), data))
    assert not BackgroundWork.objects.exists()


@pytest.mark.django_db
def test_another_person_cannot_confirm_nor_follow_a_long_import(
    users, coordination, client_for, long_files, django_capture_on_commit_callbacks
):
    rows = [partner_row(n) for n in range(1, 6)]
    response = preview(coordination, "partner", csv_file(PARTNER_HEADERS, rows), CSV)
    other = client_for(users["other_coordinator"])
    assert_confirmation_refused(
        other.post(url("partner", "process_import"), confirm_data(response))
    )

    work = confirm_as_work(coordination, "partner", response, django_capture_on_commit_callbacks)

    assert other.get(reverse("work:detail", args=[work.pk])).status_code == 404


@pytest.mark.django_db
def test_a_long_contacts_file_is_imported_by_a_job_too(
    users, coordination, paris, long_files, django_capture_on_commit_callbacks
):
    PartnerFactory(territory=paris, name="Lidl")
    rows = [["Lidl", f"Contact {n}", "RH", "", "", "non"] for n in range(5)]
    response = preview(coordination, "contact", csv_file(CONTACT_HEADERS, rows), CSV)

    work = confirm_as_work(coordination, "contact", response, django_capture_on_commit_callbacks)

    assert (work.kind, work.status) == (WorkKind.CONTACTS_IMPORT, WorkStatus.DONE)
    assert Contact.objects.filter(partner__name="Lidl").count() == 5


@pytest.mark.django_db
def test_an_administrator_s_long_file_goes_to_the_territories_it_names(
    users, administration, paris, other_territory, long_files, django_capture_on_commit_callbacks
):
    codes = ["75", other_territory.code]
    upload = csv_file(
        ["Territoire", "Nom", "Type", "SIRET"],
        [[codes[n % 2], f"Entreprise {n}", "Employeur", fictitious_siret(n)] for n in range(1, 6)],
    )
    response = preview(administration, "partner", upload, CSV)

    work = confirm_as_work(administration, "partner", response, django_capture_on_commit_callbacks)

    assert (work.status, work.territory) == (WorkStatus.DONE, None)
    assert Partner.objects.filter(territory=paris).count() == 2
    assert Partner.objects.filter(territory=other_territory).count() == 3
    assert administration.get(reverse("work:detail", args=[work.pk])).status_code == 200
