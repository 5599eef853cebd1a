"""The dashboard's figures, against a small programme counted by hand."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from events.models import Event, Registration
from pacte import dashboard
from pacte.roles import Role
from participants.factories import ParticipantFactory, ProgrammeYearFactory
from participants.models import Outcome, OutcomeKind, Task, TaskKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(users, paris, mission_locale):
    """Five young people of this year's cohort (one only referred), one past event with
    three present and one absent, three outcomes, two 6-month checks (one maintained)."""
    year = ProgrammeYearFactory(
        territory=paris, year=timezone.localdate().year, target_participants=100, target_events=3
    )
    coordinator, counsellor = users[Role.COORDINATOR], users[Role.COUNSELLOR]

    def young(**fields):
        return ParticipantFactory(
            programme_year=year, structure_in_charge=mission_locale, referent=counsellor, **fields
        )

    a, b, c = young(lives_in_qpv=True), young(lives_in_qpv=True), young(lives_in_qpv=False)
    d = young(status="exited", lives_in_qpv=False)
    young(status="referred")
    event = Event.objects.create(
        territory=paris,
        date=timezone.localdate() - dt.timedelta(days=5),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="V",
        address="A",
        capacity=65,
        status="done",
        created_by=coordinator,
    )
    for person, status in ((a, "present"), (b, "present"), (c, "present"), (d, "absent")):
        Registration.objects.create(
            event=event, participant=person, status=status, invited_by=coordinator
        )
    cdi = Outcome.objects.create(
        participant=a, kind=OutcomeKind.CDI, starts_on=timezone.localdate(), recorded_by=counsellor
    )
    short = Outcome.objects.create(
        participant=b,
        kind=OutcomeKind.CDD_SHORT,
        starts_on=timezone.localdate(),
        recorded_by=counsellor,
    )
    Outcome.objects.create(
        participant=d,
        kind=OutcomeKind.TRAINING,
        starts_on=timezone.localdate(),
        recorded_by=counsellor,
    )
    for person, outcome, maintained in ((a, cdi, True), (b, short, False)):
        Task.objects.create(
            participant=person,
            assignee=counsellor,
            kind=TaskKind.OUTCOME_CHECK,
            title="6 mois",
            due_on=timezone.localdate(),
            check_months=6,
            outcome=outcome,
            done_at=timezone.now(),
            maintained=maintained,
        )
    return year


def test_every_figure_matches_the_hand_count(programme, users):
    figures = dashboard.figures(programme)

    extra = 1 if users["participant"].programme_year == programme else 0
    assert figures["followed"] == 4 + extra  # a, b, c, d (+ conftest's active participant)
    assert figures["referred"] == 1
    assert figures["events_held"] == 1 and figures["events_target"] == 3
    assert (figures["present"], figures["absent"]) == (3, 1)
    assert figures["attendance_rate"] == 75 and figures["no_show_rate"] == 25
    assert figures["durable_employment"] == 1  # the CDI; a short CDD is not durable
    assert dict(figures["outcomes"]) == {"CDI": 1, "CDD de moins de 6 mois": 1, "Formation": 1}
    assert (figures["checks_done"], figures["maintained"], figures["maintained_rate"]) == (2, 1, 50)
    in_qpv = 2 + (1 if extra and users["participant"].lives_in_qpv else 0)
    assert figures["qpv_rate"] == round(100 * in_qpv / figures["followed"])


def test_the_page_shows_the_figures_with_a_data_table_for_each_chart(client_for, programme, users):
    response = client_for(users[Role.PILOT]).get(reverse("dashboard"))

    content = response.content.decode()
    assert response.context["figures"]["present"] == 3
    assert content.count("<svg") == 2
    assert "<caption>Sorties par type</caption>" in content
    assert "75 %" in content


def test_the_dashboard_keeps_a_fixed_number_of_queries(client_for, programme, users):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users[Role.COORDINATOR])

    def queries():
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("dashboard"))
        return len(captured)

    before = queries()
    for _ in range(40):
        ParticipantFactory(programme_year=programme)

    assert queries() == before


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
