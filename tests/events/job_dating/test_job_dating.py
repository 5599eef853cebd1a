"""Job-dating: booking, the automatic proposal, the recruiter's screen, the day's report."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from events.job_dating import services as job_dating
from events.models import Interview, InterviewOutcome, RecruiterTable, Registration, Workshop
from pacte.exceptions import DomainError
from pacte.factories import UserFactory
from pacte.roles import Role
from participants.factories import ParticipantFactory
from participants.models import Outcome, OutcomeKind, Task, TaskKind
from partners.demo import fictitious_siret
from partners.models import Partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def day(users, cafe_metiers, paris):
    """Today's Café-métiers with a retail table and a logistics table, and four people."""
    event = cafe_metiers["event"]
    coordinator = users[Role.COORDINATOR]
    recruiter = users[Role.RECRUITER]
    retail = Partner.objects.create(
        territory=paris,
        name="Lidl",
        kind="employer",
        sector="retail",
        siret=fictitious_siret(1),
        structure=recruiter.structure,
    )
    logistics = Partner.objects.create(
        territory=paris,
        name="Transports",
        kind="employer",
        sector="logistics",
        siret=fictitious_siret(2),
    )
    tables = {
        "retail": RecruiterTable.objects.create(
            event=event,
            partner=retail,
            recruiter=recruiter,
            starts_at=dt.time(16),
            ends_at=dt.time(17),
        ),
        "logistics": RecruiterTable.objects.create(
            event=event, partner=logistics, starts_at=dt.time(16), ends_at=dt.time(16, 30)
        ),
    }
    base = users["participant"]
    people = []
    for sectors in (["retail"], ["retail"], ["logistics"], []):
        participant = ParticipantFactory(
            programme_year=base.programme_year,
            structure_in_charge=base.structure_in_charge,
            referent=base.referent,
            wished_sectors=sectors,
        )
        people.append(
            Registration.objects.create(
                event=event, participant=participant, status="confirmed", invited_by=coordinator
            )
        )
    return {
        "event": event,
        "tables": tables,
        "registrations": people,
        "coordinator": coordinator,
        "recruiter": recruiter,
    }


def test_the_proposal_matches_wishes_and_never_books_a_person_twice_at_once(day):
    booked = job_dating.propose_schedule(by=day["coordinator"], event=day["event"])

    interviews = list(
        Interview.objects.select_related("registration__participant", "table__partner")
    )
    assert booked == len(interviews) > 0
    for interview in interviews:
        wishes = interview.registration.participant.wished_sectors
        assert not wishes or interview.table.partner.sector in wishes
    by_person = {}
    for interview in interviews:
        by_person.setdefault(interview.registration_id, []).append(interview)
    for own in by_person.values():
        starts = [i.starts_at for i in own]
        assert len(starts) == len(set(starts))
        assert len({i.table_id for i in own}) == len(own)
    slots = [(i.table_id, i.starts_at) for i in interviews]
    assert len(slots) == len(set(slots))


def test_the_proposal_avoids_the_persons_workshops(day):
    person = day["registrations"][0]
    workshop = Workshop.objects.create(
        event=day["event"], kind="coaching", starts_at=dt.time(16), ends_at=dt.time(17), capacity=10
    )
    person.workshops.add(workshop)

    job_dating.propose_schedule(by=day["coordinator"], event=day["event"])

    assert not Interview.objects.filter(registration=person).exists()


def test_booking_by_hand_refuses_a_taken_slot_and_an_overlap(day):
    first, second = day["registrations"][:2]
    retail, logistics = day["tables"]["retail"], day["tables"]["logistics"]
    job_dating.interview_book(
        by=day["coordinator"], table=retail, registration=first, starts_at=dt.time(16)
    )

    with pytest.raises(DomainError, match="déjà pris"):
        job_dating.interview_book(
            by=day["coordinator"], table=retail, registration=second, starts_at=dt.time(16)
        )
    with pytest.raises(DomainError, match="déjà un entretien"):
        job_dating.interview_book(
            by=day["coordinator"], table=logistics, registration=first, starts_at=dt.time(16)
        )
    with pytest.raises(DomainError, match="n’existe pas"):
        job_dating.interview_book(
            by=day["coordinator"], table=retail, registration=second, starts_at=dt.time(16, 5)
        )


def test_a_recruiter_sees_first_name_and_initial_and_the_counsellors_contact_only(client_for, day):
    person = day["registrations"][0]
    participant = person.participant
    participant.phone = "+33611223344"
    participant.last_name = "Quenneville"  # no counsellor or company shares it
    participant.save()
    job_dating.interview_book(
        by=day["coordinator"],
        table=day["tables"]["retail"],
        registration=person,
        starts_at=dt.time(16),
    )
    referent = participant.referent
    referent.phone = "+33145678901"
    referent.save()

    page = client_for(day["recruiter"]).get(
        reverse("events:table", args=[day["tables"]["retail"].pk])
    )

    content = page.content.decode()
    assert f"{participant.first_name} {participant.last_name[0]}." in content
    assert participant.last_name not in content.replace(f"{participant.last_name[0]}.", "")
    assert "06 11 22 33 44" not in content
    assert "01 45 67 89 01" in content
    for word in ("Pacte", "justice", "SPIP", "prison", "Semi-liberté"):
        assert word not in content
    other = client_for(day["recruiter"]).get(
        reverse("events:table", args=[day["tables"]["logistics"].pk])
    )
    assert other.status_code == 404


def test_a_hire_becomes_an_outcome_a_task_and_a_timeline_entry(client_for, day):
    person = day["registrations"][0]
    interview = job_dating.interview_book(
        by=day["coordinator"],
        table=day["tables"]["retail"],
        registration=person,
        starts_at=dt.time(16),
    )

    client_for(day["recruiter"]).post(
        reverse("events:interview_record", args=[interview.pk]),
        {"outcome": "hire", "contract_type": "cdi"},
    )

    participant = person.participant
    outcome = Outcome.objects.get(participant=participant)
    assert outcome.kind == OutcomeKind.CDI and outcome.employer.name == "Lidl"
    assert Task.objects.filter(
        participant=participant, assignee=participant.referent, title__contains="Lidl"
    ).exists()
    assert Task.objects.filter(participant=participant, kind=TaskKind.OUTCOME_CHECK).count() == 3
    page = client_for(participant.referent).get(
        reverse("participants:detail", args=[participant.pk])
    )
    assert any("Job-dating avec Lidl" in entry.title for entry in page.context["timeline"])


def test_not_retained_needs_a_reason_and_creates_no_task(day):
    person = day["registrations"][0]
    interview = job_dating.interview_book(
        by=day["coordinator"],
        table=day["tables"]["retail"],
        registration=person,
        starts_at=dt.time(16),
    )

    with pytest.raises(DomainError, match="motif"):
        job_dating.interview_record(
            by=day["recruiter"], interview=interview, outcome=InterviewOutcome.NOT_RETAINED
        )
    job_dating.interview_record(
        by=day["recruiter"],
        interview=interview,
        outcome=InterviewOutcome.NOT_RETAINED,
        reason="Pas de permis",
    )

    assert not Task.objects.filter(participant=person.participant).exists()


# The recruiter's screen: « who is next at my table », one card per candidate, htmx.


def book_two(day):
    """Two interviews at Lidl's table, at 16 h 00 and 16 h 15 (booked in reverse)."""
    later = job_dating.interview_book(
        by=day["coordinator"],
        table=day["tables"]["retail"],
        registration=day["registrations"][1],
        starts_at=dt.time(16, 15),
    )
    first = job_dating.interview_book(
        by=day["coordinator"],
        table=day["tables"]["retail"],
        registration=day["registrations"][0],
        starts_at=dt.time(16),
    )
    return first, later


HTMX = {"HX-Request": "true"}


def test_the_next_candidate_comes_first_and_the_interviews_done_below(client_for, day):
    first, later = book_two(day)
    job_dating.interview_record(
        by=day["recruiter"], interview=first, outcome=InterviewOutcome.SECOND_INTERVIEW
    )

    page = client_for(day["recruiter"]).get(
        reverse("events:table", args=[day["tables"]["retail"].pk])
    )

    pending, done = page.context["pending_cards"], page.context["done_cards"]
    assert [c.interview for c in pending] == [later] and pending[0].is_next
    assert [c.interview for c in done] == [first] and not done[0].is_next
    content = page.content.decode()
    order = [
        f'id="entretien-{later.pk}"',
        "Suivant",
        "Entretiens passés",
        f'id="entretien-{first.pk}"',
    ]
    assert sorted(order, key=content.index) == order
    assert content.count("Suivant") == 1


def test_an_outcome_saved_with_htmx_sends_back_its_card_alone(client_for, day):
    first, later = book_two(day)

    response = client_for(day["recruiter"]).post(
        reverse("events:interview_record", args=[first.pk]),
        {"outcome": "hire", "contract_type": "cdi"},
        headers=HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith(f'<li id="entretien-{first.pk}"')
    assert content.strip().endswith("</li>")
    assert "<html" not in content and f'id="entretien-{later.pk}"' not in content
    assert "C’est noté. Merci !" in content and "Embauche" in content and "CDI" in content
    assert f'href="#entretien-{later.pk}"' in content  # who is next, one tap away
    assert "Corriger" in content
    first.refresh_from_db()
    assert (first.outcome, first.contract_type) == ("hire", "cdi")


def test_an_error_comes_back_on_the_card_next_to_its_field_with_the_choices_kept(client_for, day):
    first, _later = book_two(day)

    response = client_for(day["recruiter"]).post(
        reverse("events:interview_record", args=[first.pk]),
        {"outcome": "not_retained", "contract_type": "cdd", "reason": "   "},
        headers=HTMX,
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.strip().startswith(f'<li id="entretien-{first.pk}"')
    assert re.search(r'value="not_retained" [^>]*checked>', content)
    assert '<option value="cdd" selected>' in content
    assert 'class="fr-input-group fr-input-group--error"' in content
    assert f'aria-describedby="entretien-{first.pk}-reason-messages"' in content
    messages = content[content.index(f'id="entretien-{first.pk}-reason-messages"') :]
    assert messages.index("Indiquez le motif") < messages.index("</div>")
    first.refresh_from_db()
    assert first.outcome == InterviewOutcome.PENDING


def test_an_outcome_left_unchosen_is_said_on_the_card(client_for, day):
    first, _later = book_two(day)

    response = client_for(day["recruiter"]).post(
        reverse("events:interview_record", args=[first.pk]), {"reason": "Motif"}, headers=HTMX
    )

    content = response.content.decode()
    assert "fr-fieldset--error" in content
    assert "Choisissez la suite donnée à cet entretien." in content
    assert 'value="Motif"' in content


def test_without_javascript_the_form_posts_and_the_table_comes_back_with_the_error(client_for, day):
    first, _later = book_two(day)
    client = client_for(day["recruiter"])
    table_url = reverse("events:table", args=[day["tables"]["retail"].pk])

    response = client.post(
        reverse("events:interview_record", args=[first.pk]), {"outcome": "not_retained"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{table_url}#entretien-{first.pk}"
    page = client.get(table_url)
    participant = first.registration.participant
    name = f"{participant.first_name} {participant.last_name[0]}."
    assert f"{name} : Motif (si non retenu) : Indiquez le motif" in page.content.decode()


def test_the_recruiter_records_an_absence(client_for, day):
    first, _later = book_two(day)
    client = client_for(day["recruiter"])

    page = client.get(reverse("events:table", args=[day["tables"]["retail"].pk]))
    response = client.post(
        reverse("events:interview_record", args=[first.pk]), {"outcome": "no_show"}, headers=HTMX
    )

    assert 'value="no_show"' in page.content.decode() and "Absent" in page.content.decode()
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.outcome == InterviewOutcome.NO_SHOW
    # No task of its own: closing the day makes the call for an absence (one per person).
    assert not Task.objects.filter(participant=first.registration.participant).exists()


def test_the_card_sent_back_is_in_the_access_log(client_for, day):
    from pacte.models import AccessLog

    first, _later = book_two(day)

    client_for(day["recruiter"]).post(
        reverse("events:interview_record", args=[first.pk]), {"outcome": "no_show"}, headers=HTMX
    )

    assert AccessLog.objects.filter(
        user=day["recruiter"],
        action="read",
        object_type="registration",
        participant_id=first.registration.participant_id,
    ).exists()


def test_another_recruiter_cannot_record_an_outcome(day):
    person = day["registrations"][0]
    interview = job_dating.interview_book(
        by=day["coordinator"],
        table=day["tables"]["retail"],
        registration=person,
        starts_at=dt.time(16),
    )
    stranger = UserFactory(recruiter=True)

    with pytest.raises(DomainError):
        job_dating.interview_record(
            by=stranger, interview=interview, outcome=InterviewOutcome.HIRE, contract_type="cdi"
        )


def test_closing_the_day_turns_no_shows_into_calls_once(day, users):
    present, absent = day["registrations"][:2]
    Registration.objects.filter(pk=present.pk).update(status="present")

    first = job_dating.event_close(by=day["coordinator"], event=day["event"])
    second = job_dating.event_close(by=day["coordinator"], event=day["event"])

    absent.refresh_from_db()
    assert absent.status == "absent"
    assert first["no_show_tasks"] >= 1 and second["no_show_tasks"] == 0
    assert (
        Task.objects.filter(
            participant=absent.participant,
            kind=TaskKind.NO_SHOW_CALL,
            assignee=absent.participant.referent,
        ).count()
        == 1
    )
    assert not Task.objects.filter(
        participant=present.participant, kind=TaskKind.NO_SHOW_CALL
    ).exists()


def test_the_report_gives_the_figures_of_the_day(client_for, day, users):
    first, second, third, _fourth = day["registrations"]
    Registration.objects.filter(pk__in=[first.pk, second.pk]).update(status="present")
    interview = job_dating.interview_book(
        by=day["coordinator"],
        table=day["tables"]["retail"],
        registration=first,
        starts_at=dt.time(16),
    )
    job_dating.interview_record(
        by=day["recruiter"], interview=interview, outcome=InterviewOutcome.SECOND_INTERVIEW
    )
    job_dating.event_close(by=day["coordinator"], event=day["event"])
    # Hand count: conftest's event holds 2 registrations (one present), the day adds 4.
    expected_present = 1 + 2
    expected_absent = 1 + 2

    response = client_for(users[Role.PILOT]).get(reverse("events:report", args=[day["event"].pk]))

    figures = response.context["figures"]
    assert figures["present"] == expected_present
    assert figures["no_show"] == expected_absent
    assert response.context["interviews_held"] == 1
    assert ("Second entretien", 1) in response.context["outcomes"]
    assert f"{expected_present} jeunes" in response.content.decode()
    # Lidl held an interview without being named among the partners present: it counts.
    assert response.context["companies"] == 1
    assert [(p.name, p.held) for p in response.context["interviewers"]] == [("Lidl", 1)]
    assert "1 entreprise" in response.content.decode()


def test_the_recruiters_link_opens_their_table_on_the_day_only(client, day):
    table = day["tables"]["retail"]
    url = reverse("events:recruiter_access", args=[table.access_token])

    assert client.get(url).status_code == 200
    response = client.post(url)
    assert response["Location"] == reverse("events:table", args=[table.pk])
    assert client.get(response["Location"]).status_code == 200
    # Their table only.
    other = reverse("events:table", args=[day["tables"]["logistics"].pk])
    assert client.get(other).status_code == 404


@pytest.mark.parametrize("shift", [-1, 1])
def test_the_recruiters_link_is_refused_another_day(client, day, shift):
    event = day["event"]
    event.date = event.date + dt.timedelta(days=shift)
    event.save()
    url = reverse("events:recruiter_access", args=[day["tables"]["retail"].access_token])

    response = client.post(url)

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_link_is_sent_to_the_recruiter_without_naming_the_programme(
    client_for, day, mailoutbox
):
    table = day["tables"]["retail"]

    client_for(day["coordinator"]).post(reverse("events:send_recruiter_link", args=[table.pk]))

    message = mailoutbox[0]
    assert message.to == [day["recruiter"].email]
    assert table.access_token in message.body
    assert "Pacte" not in message.subject + message.body


def test_those_who_may_read_the_measure_see_a_slot_outside_the_allowed_hours(
    client_for, day, users
):
    from participants.factories import JusticeMeasureFactory

    person = day["registrations"][0]
    JusticeMeasureFactory(
        participant=person.participant, out_from=dt.time(9), out_until=dt.time(16, 10)
    )
    interview = job_dating.interview_book(
        by=day["coordinator"],
        table=day["tables"]["retail"],
        registration=person,
        starts_at=dt.time(16),
    )

    coordinator_page = client_for(day["coordinator"]).get(
        reverse("events:table", args=[day["tables"]["retail"].pk])
    )
    recruiter_page = client_for(day["recruiter"]).get(
        reverse("events:table", args=[day["tables"]["retail"].pk])
    )

    assert interview.pk in coordinator_page.context["outside_hours"]
    assert "Hors des horaires" in coordinator_page.content.decode()
    assert "Hors des horaires" not in recruiter_page.content.decode()


def test_the_table_and_the_personal_schedules_print(client_for, day):
    from pypdf import PdfReader

    from tests.helpers import require_pdf_engine

    require_pdf_engine()
    person = day["registrations"][0]
    person.participant.last_name = "Quenneville"  # no counsellor or company shares it
    person.participant.save()
    job_dating.interview_book(
        by=day["coordinator"],
        table=day["tables"]["retail"],
        registration=person,
        starts_at=dt.time(16),
    )
    client = client_for(day["coordinator"])

    table_pdf = client.get(reverse("events:table_schedule", args=[day["tables"]["retail"].pk]))
    own_pdf = client.get(reverse("events:participant_schedule", args=[person.pk]))

    import io

    table_text = " ".join(PdfReader(io.BytesIO(table_pdf.content)).pages[0].extract_text().split())
    own_text = " ".join(PdfReader(io.BytesIO(own_pdf.content)).pages[0].extract_text().split())
    participant = person.participant
    assert f"{participant.first_name} {participant.last_name[0]}." in table_text
    assert participant.last_name not in table_text.replace(f"{participant.last_name[0]}.", "")
    assert "Entretien avec Lidl" in own_text
    assert "Pacte" not in own_text


def test_the_recruiters_link_refuses_an_account_locked_out_after_wrong_passwords(client, day):
    table = day["tables"]["retail"]
    for _ in range(5):
        client.post(
            reverse("login"), {"username": day["recruiter"].username, "password": "mauvais"}
        )
    url = reverse("events:recruiter_access", args=[table.access_token])

    page = client.get(url)
    response = client.post(url)

    assert page.status_code == response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("events:table", args=[table.pk])).status_code == 302


def test_the_recruiters_link_still_opens_when_another_account_is_locked_out(client, day):
    for _ in range(5):
        client.post(reverse("login"), {"username": "t-conseiller", "password": "mauvais"})
    url = reverse("events:recruiter_access", args=[day["tables"]["retail"].access_token])

    response = client.post(url)

    assert response["Location"] == reverse("events:table", args=[day["tables"]["retail"].pk])
    assert int(client.session["_auth_user_id"]) == day["recruiter"].pk


# Locks: the event, then its tables by id, then registrations by id (events.job_dating).
# On PostgreSQL each of these reads is a SELECT … FOR UPDATE; tests/events/test_concurrency.py
# runs a proposal against manual bookings with real threads.


def tables_read(queries):
    """The main table of each SELECT, in order."""
    return [
        re.search(r'FROM "(\w+)"', query["sql"]).group(1)
        for query in queries
        if query["sql"].startswith("SELECT")
    ]


def test_a_booking_reads_the_event_then_the_table_then_the_registration(day):
    with CaptureQueriesContext(connection) as queries:
        job_dating.interview_book(
            by=day["coordinator"],
            table=day["tables"]["retail"],
            registration=day["registrations"][0],
            starts_at=dt.time(16),
        )

    assert tables_read(queries)[:3] == [
        "events_event",
        "events_recruitertable",
        "events_registration",
    ]


def test_the_proposal_reads_the_event_then_the_tables_then_the_registrations(day):
    with CaptureQueriesContext(connection) as queries:
        job_dating.propose_schedule(by=day["coordinator"], event=day["event"])

    assert tables_read(queries)[:3] == [
        "events_event",
        "events_recruitertable",
        "events_registration",
    ]


def test_the_slots_outside_the_hours_cost_one_query_whatever_the_interviews(day):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from events.models import Interview
    from events.selectors import interviews_outside_hours
    from participants.factories import JusticeMeasureFactory

    for person, starts_at in zip(
        day["registrations"][:3], [dt.time(16), dt.time(16, 15), dt.time(16, 30)], strict=True
    ):
        JusticeMeasureFactory(
            participant=person.participant, out_from=dt.time(9), out_until=dt.time(16, 20)
        )
        job_dating.interview_book(
            by=day["coordinator"],
            table=day["tables"]["retail"],
            registration=person,
            starts_at=starts_at,
        )
    interviews = list(Interview.objects.select_related("table__event", "registration"))

    with CaptureQueriesContext(connection) as queries:
        flagged = interviews_outside_hours(interviews, day["coordinator"])

    assert len(queries) == 1
    late = {i.pk for i in interviews if i.ends_at > dt.time(16, 20)}
    assert flagged == late and len(late) == 2 and len(interviews) == 3
