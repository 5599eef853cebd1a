"""Period reports (page, XLSX, PDF) and the pseudonymised statistics (CSV), against the
programme counted by hand in `tests/pacte/story.py`."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from pacte.models import AccessLog
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from steering import reports
from steering.forms import PeriodForm
from steering.reports import MONTH, QUARTER, YEAR, Period
from tests.helpers import require_pdf_engine
from tests.steering import programme as story

pytestmark = pytest.mark.django_db

Q1 = {"periode": "trimestre", "annee": "2025", "trimestre": "1"}
JUNE = {"periode": "mois", "annee": "2025", "mois": "6"}
YEAR_2025 = {"periode": "annee", "annee": "2025"}


@pytest.fixture
def programme(users, mission_locale):
    return story.build(
        territory=mission_locale.territory,
        coordinator=users[Role.COORDINATOR],
        counsellor=users[Role.COUNSELLOR],
        mission_locale=mission_locale,
    )


@pytest.fixture
def coordinator(users, client_for):
    return client_for(users[Role.COORDINATOR])


# Periods -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("period", "start", "end", "label", "slug"),
    [
        (Period(YEAR, 2025), dt.date(2025, 1, 1), dt.date(2025, 12, 31), "année 2025", "2025"),
        (
            Period(QUARTER, 2025, 1),
            dt.date(2025, 1, 1),
            dt.date(2025, 3, 31),
            "1er trimestre 2025",
            "2025-T1",
        ),
        (
            Period(QUARTER, 2025, 4),
            dt.date(2025, 10, 1),
            dt.date(2025, 12, 31),
            "4e trimestre 2025",
            "2025-T4",
        ),
        (
            Period(MONTH, 2024, 2),
            dt.date(2024, 2, 1),
            dt.date(2024, 2, 29),
            "février 2024",
            "2024-02",
        ),
    ],
)
def test_a_period_knows_its_dates_and_its_name(period, start, end, label, slug):
    assert (period.start, period.end, period.label, period.slug) == (start, end, label, slug)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"periode": "mois", "annee": "2025"}, "mois", "Choisissez le mois du rapport."),
        ({"periode": "trimestre", "annee": "2025"}, "trimestre", "Choisissez le trimestre"),
        ({"periode": "annee", "annee": "1990"}, "annee", "Indiquez une année entre 2010 et"),
        ({"periode": "annee", "annee": "deux mille"}, "annee", "nombre entier"),
        ({"periode": "semaine", "annee": "2025"}, "periode", "Sélectionnez un choix valide"),
        (
            {"periode": "mois", "annee": "2025", "mois": "13"},
            "mois",
            "Sélectionnez un choix valide",
        ),
    ],
)
def test_a_bad_period_says_what_to_fix_next_to_the_field(data, field, message):
    form = PeriodForm(data)

    assert not form.is_valid()
    assert message in " ".join(form.errors[field])


def test_a_period_that_has_not_started_is_refused():
    today = dt.date(2025, 5, 10)

    form = PeriodForm({"periode": "mois", "annee": "2025", "mois": "6"}, today=today)

    assert not form.is_valid()
    assert "pas encore commencé" in form.errors["mois"][0]
    assert PeriodForm({"periode": "mois", "annee": "2025", "mois": "5"}, today=today).is_valid()


def test_the_page_shows_the_error_next_to_the_field(coordinator, programme):
    response = coordinator.get(reverse("reports:period"), {"periode": "mois", "annee": "2025"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "report" not in response.context
    assert "fr-select-group--error" in content and "Choisissez le mois du rapport." in content


def test_a_download_of_a_bad_period_answers_the_form_with_its_error(coordinator, programme):
    before = AccessLog.objects.count()

    response = coordinator.get(
        reverse("reports:period_xlsx"), {"periode": "trimestre", "annee": "2025"}
    )

    assert response.status_code == 400
    assert "Choisissez le trimestre du rapport." in response.content.decode()
    assert AccessLog.objects.count() == before  # nothing was read


# Figures per period ------------------------------------------------------------------


def figures(programme, period):
    return reports.period_report(programme.programme_year.territory_id, period)


def test_the_first_quarter_counted_by_hand(programme):
    report = figures(programme, Period(QUARTER, 2025, 1))
    f = report["figures"]

    assert (f["referred_in_period"], f["enrolled_in_period"], f["exited_in_period"]) == (3, 3, 0)
    assert (f["enrolled_in_qpv"], f["enrolled_qpv_rate"]) == (2, 67)  # p1, p2 out of p1–p3
    assert f["events_held"] == 1  # E1
    assert (f["present"], f["absent"], f["excused"]) == (2, 1, 1)
    assert (f["attendance_rate"], f["no_show_rate"]) == (67, 33)
    assert f["interviews_held"] == 0
    assert (f["outcomes"], f["outcomes_total"], f["durable_employment"]) == ([], 0, 0)
    assert (f["checks_done"], f["maintained"], f["maintained_rate"]) == (0, 0, None)
    lines = {row["name"]: row["lines"] for row in report["partners"]["rows"]}
    # The year's commitments, and what was delivered in the quarter: E1's workshop.
    assert lines["Lidl"] == [
        ("interviews", 10, 0),
        ("immersions", 2, 0),
        ("hires", 3, 0),
        ("workshops", 1, 0),
    ]
    assert lines["Mission locale (partenaire)"][3] == ("workshops", None, 1)


def test_june_counted_by_hand(programme):
    report = figures(programme, Period(MONTH, 2025, 6))
    f = report["figures"]

    assert (f["referred_in_period"], f["enrolled_in_period"], f["exited_in_period"]) == (0, 0, 0)
    assert f["enrolled_qpv_rate"] is None
    assert (f["events_held"], f["present"], f["absent"]) == (1, 3, 1)  # E2
    assert (f["attendance_rate"], f["no_show_rate"]) == (75, 25)
    assert f["interviews_held"] == 3  # Lidl: p1, p4; Carrefour: p1
    assert f["outcomes"] == [("Intérim de 6 mois ou plus", 1)]  # p5; the immersion was in May
    assert f["durable_employment"] == 1
    assert (f["checks_done"], f["maintained"], f["maintained_rate"]) == (1, 1, 100)  # p8's
    lines = {row["name"]: {k: d for k, _c, d in row["lines"]} for row in report["partners"]["rows"]}
    assert lines["Lidl"] == {"interviews": 2, "immersions": 0, "hires": 0, "workshops": 1}
    assert lines["Carrefour"] == {"interviews": 1, "immersions": 0, "hires": 0, "workshops": 0}


def test_the_fourth_quarter_counted_by_hand(programme):
    f = figures(programme, Period(QUARTER, 2025, 4))["figures"]

    assert (f["referred_in_period"], f["enrolled_in_period"], f["exited_in_period"]) == (1, 0, 1)
    assert (f["events_held"], f["present"], f["absent"], f["interviews_held"]) == (1, 1, 1, 1)
    assert f["outcomes"] == [("Création d’entreprise", 1)]
    assert (f["checks_done"], f["maintained"]) == (1, 0)  # p5's temping, ended


def test_the_year_report_and_the_dashboard_share_one_computation(programme):
    from steering import dashboard

    year = figures(programme, Period(YEAR, 2025))
    board = dashboard.figures(programme.programme_year)

    for key, value in year["figures"].items():
        assert board[key] == value, key
    assert board["partners"] == year["partners"]


# Downloads ---------------------------------------------------------------------------


def test_the_spreadsheet_opens_and_holds_the_figures(coordinator, programme):
    from openpyxl import load_workbook

    response = coordinator.get(reverse("reports:period_xlsx"), Q1)

    assert response.status_code == 200
    assert 'filename="rapport-2025-T1.xlsx"' in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Synthèse", "Sorties par type", "Partenaires"]
    summary = workbook["Synthèse"]
    assert summary.freeze_panes == "A2"
    values = {row[1]: row[2] for row in summary.iter_rows(min_row=2, values_only=True)}
    assert values["Du"] == dt.datetime(2025, 1, 1)  # a real date
    assert values["Orientés pendant la période"] == 3
    assert values["Entrés dans le programme pendant la période"] == 3
    assert values["Café-métiers tenus"] == 1
    assert values["Taux de présence (%)"] == 67
    assert values["Solutions maintenues à 6 mois (%)"] is None
    partners = list(workbook["Partenaires"].iter_rows(values_only=True))
    assert partners[0][:3] == ("Partenaire", "Entretiens : engagement", "Entretiens : réalisé")
    assert ("Lidl", 10, 0, 2, 0, 3, 0, 1, 0) in partners
    assert ("Mission locale (partenaire)", None, 0, None, 0, None, 0, None, 1) in partners


def test_the_year_spreadsheet_lists_outcomes_by_kind(coordinator, programme):
    from openpyxl import load_workbook

    response = coordinator.get(reverse("reports:period_xlsx"), YEAR_2025)

    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    outcomes = list(workbook["Sorties par type"].iter_rows(min_row=2, values_only=True))
    assert ("CDI", 1, True) in outcomes and ("CDD de moins de 6 mois", 1, False) in outcomes
    assert len(outcomes) == 6
    values = {row[1]: row[2] for row in workbook["Synthèse"].iter_rows(min_row=2, values_only=True)}
    assert values["Jeunes en emploi durable (sortie commencée pendant la période)"] == 3
    assert values["Vérifications à 6 mois faites"] == 2 and values["dont solution maintenue"] == 1


def test_the_pdf_is_a_real_pdf_with_the_figures(coordinator, programme):
    require_pdf_engine()
    from pypdf import PdfReader

    response = coordinator.get(reverse("reports:period_pdf"), JUNE)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="rapport-2025-06.pdf"' in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "juin 2025" in text
    assert "Entretiens de job-dating tenus" in text
    assert "Lidl" in text


def test_the_page_shows_the_period_and_links_the_downloads(coordinator, programme):
    response = coordinator.get(reverse("reports:period"), Q1)

    content = response.content.decode()
    assert response.context["report"]["period"] == Period(QUARTER, 2025, 1)
    assert "1er trimestre 2025" in content
    query = "periode=trimestre&amp;annee=2025&amp;trimestre=1"
    for name in ("reports:period_xlsx", "reports:period_pdf", "reports:statistics_csv"):
        assert f"{reverse(name)}?{query}" in content
    assert content.count("<svg") == 1  # partners (no outcome in the quarter: no chart)


def test_without_a_period_the_page_shows_the_current_year(coordinator, programme):
    response = coordinator.get(reverse("reports:period"))

    assert response.context["report"]["period"] == Period(YEAR, timezone.localdate().year)


# Pseudonymised statistics ------------------------------------------------------------


@pytest.mark.parametrize(
    ("counts", "hidden"),
    [
        ([20, 6, 7], set()),  # nothing small
        ([4], {0}),
        ([20, 3, 7], {1, 2}),  # 3 alone would be 30 - 27: the 7 goes too
        ([12, 5, 1], {1, 2}),  # the smallest shown cell (5) brings the hidden to 6
        ([10, 3, 0], {0, 1, 2}),  # 3 + 0 < 5: even the 10 must go
        ([8, 4, 2], {1, 2}),  # 4 + 2 ≥ 5: enough
        ([2, 2, 2], {0, 1, 2}),  # the total (6) is published, no cell is
        ([9, 5, 0, 0], {1, 2, 3}),
        ([9, 6, 5, 0], {2, 3}),  # the first of the smallest shown cells
    ],
)
def test_small_counts_and_the_cells_that_would_give_them_back_are_hidden(counts, hidden):
    assert reports.suppressed(counts) == hidden


def test_no_hidden_cell_can_be_recomputed_from_the_total():
    import itertools

    for counts in itertools.product(range(0, 9), repeat=3):
        hidden = reports.suppressed(list(counts))
        assert all(counts[i] >= 5 for i in range(3) if i not in hidden)
        if hidden and sum(counts) >= 5:
            # What the total minus the shown cells gives is never a small count.
            assert sum(counts[i] for i in hidden) >= 5
            assert len(hidden) >= 2


@pytest.fixture
def statistics_people(users, paris, mission_locale):
    """Fourteen young people referred in 2024, for counts above and below 5."""
    from pacte.factories import StructureFactory
    from pacte.models import StructureKind

    year = ProgrammeYearFactory(territory=paris, year=2024)
    spip = StructureFactory(territory=paris, spip=True)
    pjj = StructureFactory(territory=paris, name="PJJ Paris", kind=StructureKind.PJJ)
    qpv = [True] * 8 + [False] * 4 + [None] * 2
    ages = [19] * 9 + [23] * 5
    people = []
    for index in range(14):
        enrolled_on = dt.date(2024, 3, 1) + dt.timedelta(days=index)
        people.append(
            ParticipantFactory(
                programme_year=year,
                referred_on=enrolled_on - dt.timedelta(days=10),
                enrolled_on=enrolled_on,
                birth_date=enrolled_on.replace(year=2024 - ages[index]) - dt.timedelta(days=1),
                lives_in_qpv=qpv[index],
                status="exited" if index >= 10 else "active",
                referred_by=pjj if index < 3 else spip,
                structure_in_charge=mission_locale,
                referent=users[Role.COUNSELLOR],
                first_name=f"Prénom{index}",
                last_name=f"Nom{index}",
                phone="+33600000000",
            )
        )
    return people


def read_csv(response):
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    return rows[0], rows[1:], text


def cells(rows, population, dimension):
    return {row[5]: row[6] for row in rows if row[3] == population and row[4] == dimension}


def test_the_statistics_hide_small_counts_and_their_complements(coordinator, statistics_people):
    response = coordinator.get(
        reverse("reports:statistics_csv"), {"periode": "annee", "annee": "2024"}
    )

    headers, rows, _text = read_csv(response)
    assert response.status_code == 200
    assert 'filename="statistiques-2024.csv"' in response["Content-Disposition"]
    referred = "Jeunes orientés pendant la période"
    assert cells(rows, referred, "Ensemble") == {"Total": "14"}
    # 4 and 2 are hidden; together they make 6, so the 8 can be shown.
    assert cells(rows, referred, "Habite un QPV") == {"Oui": "8", "Non": "", "Non renseigné": ""}
    # Two empty bands (0) would be given back by 14 - 9 - 5 = 0: the 5 goes too.
    assert cells(rows, referred, "Âge à l’entrée dans le programme") == {
        "16–17 ans": "",
        "18–21 ans": "9",
        "22–25 ans": "",
        "Hors 16–25 ans": "",
    }
    # Exited 4, referred 0, suspended 0: 4 < 5, so the 10 active go as well.
    assert set(cells(rows, referred, "Statut actuel").values()) == {""}
    for row in rows:
        assert (row[6] == "") == row[7].startswith("secret statistique"), row


def test_every_published_table_keeps_its_hidden_cells_out_of_reach(coordinator, statistics_people):
    response = coordinator.get(
        reverse("reports:statistics_csv"), {"periode": "annee", "annee": "2024"}
    )

    _headers, rows, _text = read_csv(response)
    tables = {}
    for row in rows:
        tables.setdefault((row[3], row[4]), []).append(row[6])
    totals = {
        population: cells_[0]
        for (population, dimension), cells_ in tables.items()
        if dimension == "Ensemble"
    }
    for (population, dimension), values in tables.items():
        if dimension == "Ensemble":
            continue
        assert all(value == "" or int(value) >= 5 for value in values)
        if "" in values and totals[population] != "":
            assert int(totals[population]) - sum(int(v) for v in values if v) >= 5


def test_a_small_total_is_hidden_too(coordinator, statistics_people):
    # The fourteen were referred from 20 February to 4 March 2024: four in March.
    response = coordinator.get(
        reverse("reports:statistics_csv"), {"periode": "mois", "annee": "2024", "mois": "3"}
    )

    _headers, rows, _text = read_csv(response)
    referred = [row for row in rows if row[3] == "Jeunes orientés pendant la période"]
    assert cells(referred, referred[0][3], "Ensemble") == {"Total": ""}
    assert all(row[6] == "" for row in rows)
    february = coordinator.get(
        reverse("reports:statistics_csv"), {"periode": "mois", "annee": "2024", "mois": "2"}
    )
    _headers, rows, _text = read_csv(february)
    assert cells(rows, referred[0][3], "Ensemble") == {"Total": "10"}


def test_the_statistics_hold_no_personal_column_nor_value(coordinator, statistics_people):
    response = coordinator.get(
        reverse("reports:statistics_csv"), {"periode": "annee", "annee": "2024"}
    )

    headers, rows, text = read_csv(response)
    assert headers == [
        "Période",
        "Du",
        "Au",
        "Population",
        "Dimension",
        "Modalité",
        "Effectif",
        "Note",
    ]
    for person in statistics_people:
        assert person.last_name not in text and person.first_name not in text
        assert person.birth_date.strftime("%d/%m/%Y") not in text
    assert "+336" not in text and "SPIP 75" not in text and "Mission locale de Paris" not in text


def test_the_statistics_of_a_year_with_outcomes(coordinator, programme):
    response = coordinator.get(reverse("reports:statistics_csv"), YEAR_2025)

    _headers, rows, _text = read_csv(response)
    outcomes = "Sorties commencées pendant la période"
    assert cells(rows, outcomes, "Ensemble") == {"Total": "6"}
    kinds = cells(rows, outcomes, "Type de sortie")
    assert "CDI (emploi durable)" in kinds and set(kinds.values()) == {""}  # all ones
    assert cells(rows, "Vérifications à 6 mois faites pendant la période", "Ensemble") == {
        "Total": ""
    }


# Access log and scope ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "action", "object_type"),
    [
        ("reports:period", "read", "period_report"),
        ("reports:period_xlsx", "export", "period_report"),
        ("reports:period_pdf", "export", "period_report"),
        ("reports:statistics_csv", "export", "statistics"),
    ],
)
def test_each_page_and_download_writes_one_access_log_entry(
    coordinator, programme, users, name, action, object_type
):
    if name == "reports:period_pdf":
        require_pdf_engine()
    before = AccessLog.objects.count()

    response = coordinator.get(reverse(name), Q1)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)

    assert response.status_code == 200
    assert AccessLog.objects.count() == before + 1
    entry = AccessLog.objects.order_by("-pk").first()
    assert (entry.user, entry.action, entry.object_type) == (
        users[Role.COORDINATOR],
        action,
        object_type,
    )
    assert entry.territory_id == users[Role.COORDINATOR].territory_id
    assert entry.filters == Q1
    assert entry.participant_id is None


def test_another_territorys_coordinator_gets_only_their_own_figures(
    client_for, programme, users, other_territory
):
    elsewhere = ProgrammeYearFactory(territory=other_territory, year=2025)
    ParticipantFactory(
        programme_year=elsewhere, referred_on=dt.date(2025, 2, 1), enrolled_on=dt.date(2025, 2, 10)
    )
    other = client_for(users["other_coordinator"])

    report = other.get(reverse("reports:period"), Q1).context["report"]

    assert report["figures"]["referred_in_period"] == 1  # theirs, not Paris's 3
    assert report["figures"]["events_held"] == 0
    assert report["partners"]["rows"] == []
    _headers, rows, text = read_csv(other.get(reverse("reports:statistics_csv"), YEAR_2025))
    assert cells(rows, "Jeunes orientés pendant la période", "Ensemble") == {"Total": ""}
    assert "Lidl" not in text


@pytest.mark.parametrize("role", [Role.COUNSELLOR, Role.RECRUITER, Role.ADMINISTRATOR])
@pytest.mark.parametrize(
    "name",
    ["reports:period", "reports:period_xlsx", "reports:period_pdf", "reports:statistics_csv"],
)
def test_others_are_refused(client_for, users, role, name):
    before = AccessLog.objects.count()

    assert client_for(users[role]).get(reverse(name), Q1).status_code == 403
    assert AccessLog.objects.count() == before


def test_the_dashboard_links_to_the_reports(client_for, users, programme):
    content = client_for(users[Role.PILOT]).get(reverse("dashboard")).content.decode()

    assert f'href="{reverse("reports:period")}"' in content
