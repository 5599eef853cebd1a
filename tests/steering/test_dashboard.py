"""The dashboard's figures, against a demo-like programme year counted by hand
(`tests/pacte/story.py` tells the story and the counts)."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from pacte.models import AccessLog
from pacte.roles import Role
from participants.factories import ParticipantFactory
from participants.models import Outcome, OutcomeKind, Task, TaskKind
from partners.models import Commitment, Partner
from steering import dashboard
from tests.steering import programme as story

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(users, mission_locale):
    return story.build(
        territory=mission_locale.territory,
        coordinator=users[Role.COORDINATOR],
        counsellor=users[Role.COUNSELLOR],
        mission_locale=mission_locale,
    )


def test_participants_enrolled_against_the_target(programme):
    figures = dashboard.figures(programme.programme_year)

    # p1–p6 and p8 (enrolled in December 2024 into the 2025 cohort); p7 is only referred.
    assert (figures["followed"], figures["target"], figures["followed_rate"]) == (7, 100, 7)
    assert figures["referred"] == 1


def test_cafe_metiers_held_against_planned_and_attendance(programme):
    figures = dashboard.figures(programme.programme_year)

    # E1, E2 and E3 (past, though never closed); E0 is of 2024.
    assert (figures["events_held"], figures["events_target"]) == (3, 3)
    # Present: p1, p2 (E1), p1, p4, p6 (E2), p2 (E3); absent: p3, p5, p6; p8 excused.
    assert (figures["present"], figures["absent"], figures["excused"]) == (6, 3, 1)
    assert (figures["attendance_rate"], figures["no_show_rate"]) == (67, 33)


def test_interviews_held(programme):
    # Held: hire, not retained, immersion, second interview; not the no-show nor the pending.
    assert dashboard.figures(programme.programme_year)["interviews_held"] == 4


def test_outcomes_by_kind_and_durable_employment(programme):
    figures = dashboard.figures(programme.programme_year)

    # Outcomes starting in 2025 (p8's long CDD started in 2024), in the choices' order.
    assert figures["outcomes"] == [
        ("CDI", 1),
        ("CDD de moins de 6 mois", 1),
        ("Intérim de 6 mois ou plus", 1),
        ("Création d’entreprise", 1),
        ("Formation", 1),
        ("Immersion (PMSMP)", 1),
    ]
    assert figures["outcomes_total"] == 6
    # Young people: p1 (CDI), p5 (long temping), p6 (business); not p4's short CDD.
    assert figures["durable_employment"] == 3


def test_outcomes_maintained_at_six_months(programme):
    figures = dashboard.figures(programme.programme_year)

    # Done in 2025: p8's (maintained) and p5's (ended); p4's is a 3-month check, p1's not done.
    assert (figures["checks_done"], figures["maintained"], figures["maintained_rate"]) == (2, 1, 50)


def test_share_in_a_qpv_and_referral_sources(programme):
    figures = dashboard.figures(programme.programme_year)

    # Followed in a QPV: p1, p2, p5, p8 out of 7 (p4 unknown counts as not known to be).
    assert (figures["in_qpv"], figures["qpv_rate"]) == (4, 57)
    assert figures["referrals"] == [
        ("SPIP", 4),
        ("France Travail", 1),
        ("Mission locale", 1),
        ("PJJ", 1),
    ]


def test_people_flows_of_the_calendar_year(programme):
    figures = dashboard.figures(programme.programme_year)

    assert figures["referred_in_period"] == 7  # p1–p7
    assert figures["enrolled_in_period"] == 6  # p1–p6 (p7 not yet, p8 in 2024)
    assert (figures["enrolled_in_qpv"], figures["enrolled_qpv_rate"]) == (3, 50)
    assert figures["exited_in_period"] == 2  # p4, p5


def test_partners_commitments_against_delivery(programme):
    partners = dashboard.figures(programme.programme_year)["partners"]

    rows = {row["name"]: {key: (c, d) for key, c, d in row["lines"]} for row in partners["rows"]}
    assert rows == {
        "Carrefour": {
            "interviews": (5, 1),
            "immersions": (0, 0),
            "hires": (2, 1),  # p4's short CDD
            "workshops": (0, 0),
        },
        "Lidl": {
            "interviews": (10, 3),  # p1, p4 (June), p2 (October)
            "immersions": (2, 1),  # p5
            "hires": (3, 1),  # p1's CDI
            "workshops": (1, 1),
        },
        # No commitment, but it led E1's workshop.
        "Mission locale (partenaire)": {
            "interviews": (None, 0),
            "immersions": (None, 0),
            "hires": (None, 0),
            "workshops": (None, 1),
        },
    }
    assert list(rows) == sorted(rows, key=str.lower)
    assert partners["totals"] == [
        ("Entretiens", 15, 4),
        ("Immersions", 2, 1),
        ("Embauches", 5, 2),
        ("Ateliers animés", 1, 2),
    ]


def test_the_partner_page_counts_delivery_the_same_way(programme):
    from partners.selectors import commitments_with_delivery

    (year,) = commitments_with_delivery(programme.partners["lidl"])

    assert year["year"] == 2025
    assert year["lines"] == [
        ("Entretiens", 10, 3),
        ("Immersions", 2, 1),
        ("Embauches", 3, 1),
        ("Ateliers animés", 1, 1),
    ]


def test_another_territorys_activity_is_not_counted(programme, users, other_territory):
    from participants.factories import ProgrammeYearFactory

    elsewhere = ParticipantFactory(
        programme_year=ProgrammeYearFactory(territory=other_territory, year=2025),
        enrolled_on=story.day(3, 3),
        referred_on=story.day(3, 1),
    )
    outsider = Partner.objects.create(territory=other_territory, name="Lidl", kind="employer")
    Outcome.objects.create(
        participant=elsewhere,
        kind=OutcomeKind.CDI,
        starts_on=story.day(4, 1),
        employer=outsider,
        recorded_by=users[Role.COUNSELLOR],
    )

    figures = dashboard.figures(programme.programme_year)

    assert figures["referred_in_period"] == 7
    assert figures["outcomes_total"] == 6
    assert len(figures["partners"]["rows"]) == 3


def test_an_event_today_counts_once_closed(programme, users):
    from events.models import Event

    today = timezone.localdate()
    event = Event.objects.create(
        territory=programme.programme_year.territory,
        date=today,
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="V",
        address="A",
        capacity=65,
        status="open",
        created_by=users[Role.COORDINATOR],
    )
    start, end = dashboard.year_range(today.year)
    territory_id = programme.programme_year.territory_id

    assert dashboard.activity_figures(territory_id, start, end)["events_held"] == 0
    event.status = "done"
    event.save()
    assert dashboard.activity_figures(territory_id, start, end)["events_held"] == 1


def test_the_page_shows_every_figure_with_a_data_table_for_each_chart(client_for, programme, users):
    response = client_for(users[Role.PILOT]).get(reverse("dashboard"), {"annee": 2025})

    content = response.content.decode()
    assert response.context["programme_year"] == programme.programme_year
    assert content.count("<svg") == 3  # outcomes, referral sources, partners
    assert content.count("<caption>") >= 4  # one data table per chart, the partners' table
    assert "<caption>Sorties commencées dans l’année, par type</caption>" in content
    assert "<caption>Tous partenaires : engagement et réalisé</caption>" in content
    assert "67 %" in content and "33 %" in content and "57 %" in content
    assert "3 sur 10" in content  # Lidl's interviews
    assert "1 réalisé, sans engagement" in content
    assert reverse("reports:period") in content


def test_the_needs_attention_list_is_on_the_dashboard_and_logged(client_for, programme, users):
    client = client_for(users[Role.COORDINATOR])
    before = AccessLog.objects.count()

    response = client.get(reverse("dashboard"), {"annee": 2025})

    shown = [p.pk for p in response.context["attention"]]
    p1, p2, p3, p4, p5, p6, p7, p8 = programme.people
    # Nobody has a follow-up: every young person not exited needs attention.
    assert {p1.pk, p2.pk, p3.pk} <= set(shown) and p4.pk not in shown
    assert response.context["attention_count"] >= 6
    assert f"{p1.first_name} {p1.last_name.upper()}" in response.content.decode()
    entry = AccessLog.objects.order_by("-pk").first()
    assert AccessLog.objects.count() == before + 1
    assert (entry.object_type, entry.row_count) == (
        "participant",
        response.context["attention_count"],
    )


def test_another_territorys_coordinator_sees_only_theirs(client_for, programme, users):
    response = client_for(users["other_coordinator"]).get(reverse("dashboard"), {"annee": 2025})

    assert response.status_code == 200
    assert response.context["programme_year"] is None
    assert "Lidl" not in response.content.decode()


def test_the_dashboard_keeps_a_fixed_number_of_queries(client_for, programme, users):
    client = client_for(users[Role.COORDINATOR])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("dashboard"), {"annee": 2025}).status_code == 200
        return len(captured)

    before = queries()
    year = programme.programme_year
    for index in range(20):
        person = ParticipantFactory(programme_year=year, enrolled_on=story.day(5, 2))
        partner = Partner.objects.create(
            territory=year.territory, name=f"Entreprise {index}", kind="employer"
        )
        Commitment.objects.create(partner=partner, programme_year=year, interviews=2)
        outcome = Outcome.objects.create(
            participant=person,
            kind=OutcomeKind.CDI,
            starts_on=story.day(6, 1),
            employer=partner,
            recorded_by=users[Role.COUNSELLOR],
        )
        Task.objects.create(
            participant=person,
            assignee=users[Role.COUNSELLOR],
            kind=TaskKind.OUTCOME_CHECK,
            title="6 mois",
            due_on=story.day(12, 1),
            outcome=outcome,
            check_months=6,
            done_at=story.moment(12, 2),
            maintained=True,
        )

    assert queries() == before <= 12 - 1  # and the second factor's device, with DEBUG off
    assert len(dashboard.figures(year)["partners"]["rows"]) == 23


def test_the_page_shows_the_partners_that_weigh_most_and_counts_the_others():
    def row(name, committed, delivered):
        return {"name": name, "lines": [("interviews", committed, delivered)]}

    partners = {
        "lines": ["Entretiens"],
        "totals": [],
        "rows": [
            row("Akor", None, 9),
            row("Lidl", 5, 1),
            row("Carrefour", 5, 4),
            row("Zeta", 1, 0),
        ],
    }
    shown = dashboard.main_partners(partners, 3)

    assert [r["name"] for r in shown["rows"]] == ["Carrefour", "Lidl", "Zeta"]
    assert shown["left_out"] == 1


def test_the_print_stylesheet_hides_the_navigation_and_keeps_the_charts():
    css = (Path(settings.BASE_DIR) / "static/site/site.css").read_text()
    print_rules = css[css.index("@media print") :]

    assert ".fr-header" in print_rules and ".pacte-no-print" in print_rules
    assert (
        ".pacte-chart" in print_rules
        and "display: none" not in print_rules.split(".pacte-chart")[1].split("}")[0]
    )


def test_the_counsellor_home_lists_my_calls_checks_and_events(client_for, users, cafe_metiers):
    from participants.models import Participant

    participant = users["participant"]
    Participant.objects.filter(pk=participant.pk).update(
        last_follow_up_on=timezone.localdate() - dt.timedelta(days=40)
    )
    Task.objects.create(
        participant=participant,
        assignee=users[Role.COUNSELLOR],
        kind=TaskKind.OUTCOME_CHECK,
        title="Vérifier à 3 mois : CDI",
        due_on=timezone.localdate(),
    )

    response = client_for(users[Role.COUNSELLOR]).get(reverse("home"))

    assert participant.pk in [p.pk for p in response.context["my_attention"]]
    assert [t.title for t in response.context["my_checks"]] == ["Vérifier à 3 mois : CDI"]
    assert [r.participant_id for r in response.context["my_events"]] == [participant.pk]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN is PostgreSQL's")
def test_the_checks_done_in_a_period_are_read_from_their_index_alone(programme):
    """At scale the 6-month checks of a year were fetched row by row, two thirds thrown
    away (checks at 3 and 12 months): 25 ms of the dashboard's 118."""
    checks = (
        Task.objects.filter(
            kind=TaskKind.OUTCOME_CHECK,
            check_months=dashboard.CHECK_MONTHS,
            done_at__gte=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
            done_at__lt=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
        .order_by()
        .values_list("participant_id", "maintained")
    )
    sql, params = checks.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_bitmapscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "Index Only Scan using task_done_check_by_day" in plan, plan
