"""Correcting a job-dating outcome on the day, and closing the day.

A recruiter (or the coordination) may change an outcome recorded by mistake on the
event's day, until the day is closed: the correction is logged, and the participant's
file follows (no Outcome or task left from the outcome corrected, none made twice).
"""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from events.job_dating import services as job_dating
from events.models import EventStatus, InterviewOutcome, RecruiterTable, RegistrationStatus
from pacte.exceptions import DomainError
from pacte.factories import StructureFactory, UserFactory
from pacte.models import AccessLog
from participants.models import Outcome, OutcomeKind, Task, TaskKind
from partners.demo import fictitious_siret
from partners.models import Partner
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db

HIRE, NOT_RETAINED = InterviewOutcome.HIRE, InterviewOutcome.NOT_RETAINED
SECOND, IMMERSION = InterviewOutcome.SECOND_INTERVIEW, InterviewOutcome.IMMERSION


@pytest.fixture
def jd():
    """Today's Café-métiers, Lidl's table held by its recruiter, one young person booked."""
    event = EventFactory(date=timezone.localdate())
    company = StructureFactory(territory=event.territory, company=True, name="Lidl")
    recruiter = UserFactory(recruiter=True, structure=company)
    partner = Partner.objects.create(
        territory=event.territory,
        name="Lidl",
        kind="employer",
        sector="retail",
        siret=fictitious_siret(7),
        structure=company,
    )
    table = RecruiterTable.objects.create(
        event=event,
        partner=partner,
        recruiter=recruiter,
        starts_at=dt.time(16),
        ends_at=dt.time(17),
    )
    registration = RegistrationFactory(event=event, status=RegistrationStatus.PRESENT)
    interview = job_dating.interview_book(
        by=event.created_by, table=table, registration=registration, starts_at=dt.time(16)
    )
    return {
        "event": event,
        "table": table,
        "recruiter": recruiter,
        "coordinator": event.created_by,
        "interview": interview,
        "participant": registration.participant,
    }


def record(jd, outcome, **values):
    return job_dating.interview_record(
        by=jd["recruiter"], interview=jd["interview"], outcome=outcome, **values
    )


def correct(jd, outcome, by=None, **values):
    return job_dating.interview_correct(
        by=by or jd["recruiter"], interview=jd["interview"], outcome=outcome, **values
    )


def follow_up_tasks(participant):
    return list(
        Task.objects.filter(participant=participant, kind=TaskKind.OTHER).values_list(
            "title", flat=True
        )
    )


def test_a_hire_corrected_to_not_retained_leaves_no_outcome_and_no_task(jd):
    record(jd, HIRE, contract_type="cdi")
    hired = Outcome.objects.get(participant=jd["participant"])
    assert Task.objects.filter(outcome=hired).count() == 3  # its checks at 3, 6, 12 months

    interview = correct(jd, NOT_RETAINED, reason="Pas de permis")

    assert (interview.outcome, interview.contract_type, interview.reason) == (
        NOT_RETAINED,
        "",
        "Pas de permis",
    )
    assert not Outcome.objects.filter(participant=jd["participant"]).exists()
    assert not Task.objects.filter(participant=jd["participant"]).exists()
    # The outcome's history keeps the version removed, and who removed it.
    removed = Outcome.history.get(id=hired.pk, history_type="-")
    assert removed.history_user == jd["recruiter"]


def test_a_correction_is_logged_with_its_author(jd):
    record(jd, HIRE, contract_type="cdi")
    before = set(AccessLog.objects.values_list("pk", flat=True))

    correct(jd, SECOND, by=jd["coordinator"])

    entry = AccessLog.objects.exclude(pk__in=before).get(object_type="interview")
    assert (entry.action, entry.object_id, entry.user) == (
        "update",
        jd["interview"].pk,
        jd["coordinator"],
    )
    jd["interview"].refresh_from_db()
    assert jd["interview"].recorded_by == jd["coordinator"]


def test_a_hire_corrected_to_a_hire_again_is_recorded_once(jd):
    record(jd, HIRE, contract_type="cdd")

    correct(jd, HIRE, contract_type="cdi")
    correct(jd, HIRE, contract_type="cdi")

    outcome = Outcome.objects.get(participant=jd["participant"])
    assert outcome.kind == OutcomeKind.CDI
    assert Task.objects.filter(kind=TaskKind.OUTCOME_CHECK, outcome=outcome).count() == 3
    assert Task.objects.filter(kind=TaskKind.OUTCOME_CHECK).count() == 3
    assert follow_up_tasks(jd["participant"]) == [
        "Job-dating avec Lidl : embauche — organiser la suite"
    ]


def test_the_same_values_again_change_nothing_and_log_nothing(jd):
    record(jd, NOT_RETAINED, reason="Pas de permis")
    before = AccessLog.objects.count()

    correct(jd, NOT_RETAINED, reason="Pas de permis")

    assert AccessLog.objects.count() == before


def test_a_positive_outcome_corrected_to_another_keeps_one_task_with_the_right_words(jd):
    record(jd, SECOND)

    correct(jd, IMMERSION)

    assert follow_up_tasks(jd["participant"]) == [
        "Job-dating avec Lidl : immersion (PMSMP) — organiser la suite"
    ]
    assert Outcome.objects.get(participant=jd["participant"]).kind == OutcomeKind.IMMERSION


def test_not_retained_corrected_to_a_hire_makes_the_outcome_and_the_task(jd):
    record(jd, NOT_RETAINED, reason="Pas de permis")

    interview = correct(jd, HIRE, contract_type="alternance", reason="Pas de permis")

    assert interview.reason == ""  # the reason belonged to « non retenu »
    assert Outcome.objects.get(participant=jd["participant"]).kind == OutcomeKind.ALTERNANCE
    assert follow_up_tasks(jd["participant"]) == [
        "Job-dating avec Lidl : embauche — organiser la suite"
    ]


def test_a_task_the_counsellor_has_done_is_not_touched(jd):
    record(jd, SECOND)
    Task.objects.filter(participant=jd["participant"]).update(done_at=timezone.now())

    correct(jd, NOT_RETAINED, reason="Pas disponible")

    done = Task.objects.get(participant=jd["participant"])
    assert done.title == "Job-dating avec Lidl : second entretien — organiser la suite"


def test_an_absence_corrected_to_a_second_interview(jd):
    record(jd, InterviewOutcome.NO_SHOW)
    assert not Task.objects.filter(participant=jd["participant"]).exists()

    correct(jd, SECOND)

    assert follow_up_tasks(jd["participant"]) == [
        "Job-dating avec Lidl : second entretien — organiser la suite"
    ]


def test_the_next_day_an_outcome_is_no_longer_corrected(jd):
    record(jd, HIRE, contract_type="cdi")
    event = jd["event"]
    event.date = timezone.localdate() - dt.timedelta(days=1)
    event.save()

    with pytest.raises(DomainError, match="ne se corrige que le jour du Café-métiers"):
        correct(jd, NOT_RETAINED, reason="Erreur")

    jd["interview"].refresh_from_db()
    assert jd["interview"].outcome == HIRE
    assert Outcome.objects.filter(participant=jd["participant"]).count() == 1


def test_once_the_day_is_closed_an_outcome_is_no_longer_corrected(jd):
    record(jd, HIRE, contract_type="cdi")
    job_dating.event_close(by=jd["coordinator"], event=jd["event"])

    with pytest.raises(DomainError, match="La journée est clôturée"):
        correct(jd, NOT_RETAINED, reason="Erreur")


def test_a_recorded_outcome_is_not_recorded_again_without_correcting(jd):
    record(jd, HIRE, contract_type="cdi")

    with pytest.raises(DomainError, match="Corriger"):
        record(jd, NOT_RETAINED, reason="Erreur")

    assert Outcome.objects.filter(participant=jd["participant"]).count() == 1


def test_another_recruiter_corrects_nothing(jd):
    record(jd, HIRE, contract_type="cdi")

    with pytest.raises(DomainError, match="pas à votre table"):
        correct(jd, NOT_RETAINED, by=UserFactory(recruiter=True), reason="Erreur")


# The screen: « Corriger » reopens the card's form, filled in; htmx swaps the card alone.


def test_corriger_reopens_the_card_with_the_current_outcome(client_for, jd):
    record(jd, HIRE, contract_type="cdd_long")
    pk = jd["interview"].pk

    response = client_for(jd["recruiter"]).get(
        reverse("events:table", args=[jd["table"].pk]),
        {"corriger": pk},
        headers={"HX-Request": "true"},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith(f'<li id="entretien-{pk}"')
    assert f'id="entretien-{pk}-outcome_' in content
    assert re.search(r'<input type="radio" name="outcome" value="hire" [^>]*checked>', content)
    assert len(re.findall(r"autofocus", content)) == 1  # the current choice, focused
    assert '<option value="cdd_long" selected>' in content
    assert 'name="correction" value="True"' in content
    assert "Enregistrer la correction" in content


def test_a_correction_posted_with_htmx_comes_back_on_the_card(client_for, jd):
    record(jd, HIRE, contract_type="cdi")
    pk = jd["interview"].pk
    client = client_for(jd["recruiter"])
    url = reverse("events:interview_record", args=[pk])

    refused = client.post(
        url, {"outcome": "not_retained", "correction": "True"}, headers={"HX-Request": "true"}
    )
    saved = client.post(
        url,
        {"outcome": "not_retained", "reason": "Pas de permis", "correction": "True"},
        headers={"HX-Request": "true"},
    )

    assert refused.status_code == 200
    assert "Indiquez le motif" in refused.content.decode()
    assert "Enregistrer la correction" in refused.content.decode()  # still correcting
    assert saved.status_code == 200
    assert "La correction est enregistrée." in saved.content.decode()
    assert "Non retenu" in saved.content.decode()
    assert "</span> —" not in saved.content.decode()  # no contract shown for « non retenu »
    assert not Outcome.objects.filter(participant=jd["participant"]).exists()


def test_without_javascript_a_correction_opens_in_the_page_and_posts(client_for, jd):
    record(jd, HIRE, contract_type="cdi")
    pk = jd["interview"].pk
    client = client_for(jd["recruiter"])
    table_url = reverse("events:table", args=[jd["table"].pk])
    url = reverse("events:interview_record", args=[pk])

    page = client.get(table_url, {"corriger": pk})
    refused = client.post(url, {"outcome": "not_retained", "correction": "True"})
    saved = client.post(url, {"outcome": "second_interview", "correction": "True"})

    assert "<html" in page.content.decode() and "Enregistrer la correction" in page.content.decode()
    assert refused["Location"] == f"{table_url}?corriger={pk}#entretien-{pk}"
    assert saved["Location"] == f"{table_url}#entretien-{pk}"
    assert "La correction est enregistrée." in client.get(table_url).content.decode()
    jd["interview"].refresh_from_db()
    assert jd["interview"].outcome == SECOND


@pytest.mark.parametrize("value", ["abc", "", "999999"])
def test_a_card_asked_for_by_a_strange_number_is_the_page_or_a_404(client_for, jd, value):
    client = client_for(jd["recruiter"])
    url = reverse("events:table", args=[jd["table"].pk])

    page = client.get(url, {"corriger": value})
    card = client.get(url, {"carte": value}, headers={"HX-Request": "true"})

    assert page.status_code == 200
    assert card.status_code == (404 if value == "999999" else 200)


def test_the_next_day_the_card_offers_no_correction(client_for, jd):
    record(jd, HIRE, contract_type="cdi")
    event = jd["event"]
    event.date = timezone.localdate() - dt.timedelta(days=1)
    event.save()
    client = client_for(jd["recruiter"])

    page = client.get(reverse("events:table", args=[jd["table"].pk]))
    posted = client.post(
        reverse("events:interview_record", args=[jd["interview"].pk]),
        {"outcome": "second_interview", "correction": "True"},
        headers={"HX-Request": "true"},
    )

    assert "Corriger" not in page.content.decode()
    assert "ne se corrige que le jour du Café-métiers" in posted.content.decode()
    jd["interview"].refresh_from_db()
    assert jd["interview"].outcome == HIRE


# Closing the day asks first.


def test_closing_the_day_asks_first_and_closes_nothing_on_get(client_for, jd):
    RegistrationFactory(event=jd["event"], status=RegistrationStatus.CONFIRMED)
    url = reverse("events:close", args=[jd["event"].pk])

    page = client_for(jd["coordinator"]).get(url)

    content = page.content.decode()
    assert page.status_code == 200
    assert "1 jeune attendu n’est pas émargé" in content
    assert "Clôturer la journée" in content
    assert f'href="{reverse("events:detail", args=[jd["event"].pk])}"' in content
    jd["event"].refresh_from_db()
    assert jd["event"].status != EventStatus.DONE
    assert not Task.objects.filter(kind=TaskKind.NO_SHOW_CALL).exists()


def test_closing_the_day_on_post(client_for, jd):
    absent = RegistrationFactory(event=jd["event"], status=RegistrationStatus.CONFIRMED)

    response = client_for(jd["coordinator"]).post(reverse("events:close", args=[jd["event"].pk]))

    assert response.status_code == 302
    jd["event"].refresh_from_db()
    absent.refresh_from_db()
    assert jd["event"].status == EventStatus.DONE
    assert absent.status == RegistrationStatus.ABSENT
    assert Task.objects.filter(participant=absent.participant, kind=TaskKind.NO_SHOW_CALL).exists()


def test_someone_a_recruiter_met_is_not_called_back_after_an_absence(jd):
    registration = jd["interview"].registration
    registration.status = RegistrationStatus.CONFIRMED  # not checked in at the door
    registration.save()
    record(jd, HIRE, contract_type="cdi")

    job_dating.event_close(by=jd["coordinator"], event=jd["event"])

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.PRESENT
    assert not Task.objects.filter(
        participant=jd["participant"], kind=TaskKind.NO_SHOW_CALL
    ).exists()


def test_the_recruiters_absence_of_someone_not_checked_in_becomes_one_call_at_closing(jd):
    registration = jd["interview"].registration
    registration.status = RegistrationStatus.CONFIRMED
    registration.save()
    record(jd, InterviewOutcome.NO_SHOW)

    job_dating.event_close(by=jd["coordinator"], event=jd["event"])

    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.ABSENT
    assert (
        Task.objects.filter(participant=jd["participant"], kind=TaskKind.NO_SHOW_CALL).count() == 1
    )
