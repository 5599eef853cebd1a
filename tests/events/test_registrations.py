"""Invitations, confirmations, the waiting list and check-in (domain.md rules)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from events import services
from events.models import Event, Registration, RegistrationStatus
from pacte.exceptions import DomainError
from pacte.factories import UserFactory
from pacte.models import AccessAction, AccessLog
from pacte.roles import Role
from participants.factories import JusticeMeasureFactory, ParticipantFactory

pytestmark = pytest.mark.django_db
Status = RegistrationStatus


@pytest.fixture
def users(users, cafe_metiers):
    """The accounts of conftest, plus today's Café-métiers and its registrations."""
    return {**users, **cafe_metiers}


@pytest.fixture
def coordinator(users):
    return users[Role.COORDINATOR]


@pytest.fixture
def small_event(users, paris, coordinator):
    return Event.objects.create(
        territory=paris,
        date=timezone.localdate() + dt.timedelta(days=10),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture",
        address="Paris",
        capacity=2,
        status="open",
        created_by=coordinator,
    )


def young(users, **fields):
    base = users["participant"]
    return ParticipantFactory(
        programme_year=base.programme_year,
        structure_in_charge=base.structure_in_charge,
        referent=base.referent,
        **fields,
    )


def test_beyond_capacity_invitations_go_to_the_waiting_list_in_order(
    users, coordinator, small_event
):
    first, second, third, fourth = (young(users) for _ in range(4))
    for participant in (first, second, third, fourth):
        services.registration_invite(by=coordinator, event=small_event, participant=participant)

    statuses = dict(small_event.registrations.values_list("participant_id", "status"))
    assert statuses == {
        first.pk: Status.INVITED,
        second.pk: Status.INVITED,
        third.pk: Status.WAITING,
        fourth.pk: Status.WAITING,
    }


def test_a_freed_place_is_offered_to_the_first_waiting(users, coordinator, small_event):
    people = [young(users) for _ in range(4)]
    registrations = [
        services.registration_invite(by=coordinator, event=small_event, participant=p)
        for p in people
    ]

    _withdrawn, promoted = services.registration_withdraw(
        by=coordinator, registration=registrations[0], status=Status.EXCUSED
    )

    assert promoted.participant == people[2]
    # An offer until a deadline (#19 item 3): still on the list, the place held for them.
    assert promoted.status == Status.WAITING and promoted.offered_until > timezone.now()
    assert Registration.objects.get(participant=people[3]).offered_until is None


def test_one_registration_per_participant_per_event(users, coordinator, small_event):
    participant = young(users)
    services.registration_invite(by=coordinator, event=small_event, participant=participant)

    with pytest.raises(DomainError, match="déjà inscrit"):
        services.registration_invite(by=coordinator, event=small_event, participant=participant)


def test_a_counsellor_registers_only_their_own_participants(users, small_event, paris):
    counsellor = users[Role.COUNSELLOR]
    other_structure_participant = ParticipantFactory(
        programme_year=users["participant"].programme_year
    )

    services.registration_invite(by=counsellor, event=small_event, participant=young(users))
    with pytest.raises(DomainError):
        services.registration_invite(
            by=counsellor, event=small_event, participant=other_structure_participant
        )


def test_confirming_never_exceeds_capacity(users, coordinator, small_event):
    small_event.date = timezone.localdate()  # a walk-in is admitted on the day
    small_event.save()
    a, b = (
        services.registration_invite(by=coordinator, event=small_event, participant=young(users))
        for _ in range(2)
    )
    services.registration_confirm(by=coordinator, registration=a)
    services.registration_confirm(by=coordinator, registration=b)
    late = services.walk_in_admit(
        by=coordinator,
        event=small_event,
        participant=young(users),
        reason="Décision de la coordination",
    )

    assert late.over_capacity_reason == "Décision de la coordination"
    waiting = services.registration_invite(
        by=coordinator, event=small_event, participant=young(users)
    )
    assert waiting.status == Status.WAITING
    with pytest.raises(DomainError, match="liste d’attente"):
        services.registration_confirm(by=coordinator, registration=waiting)


def test_checking_in_twice_is_one_check_in(users):
    registration = users["registration"]
    counsellor = users[Role.COUNSELLOR]

    first = services.check_in(by=counsellor, registration=registration)
    checked_at = first.checked_in_at
    second = services.check_in(by=users[Role.COORDINATOR], registration=registration)

    assert second.status == Status.PRESENT
    assert second.checked_in_at == checked_at
    assert second.checked_in_by == counsellor


def test_a_full_event_admits_a_walk_in_only_by_a_coordinator_with_a_reason(
    users, coordinator, small_event
):
    small_event.date = timezone.localdate()
    small_event.staff.add(users[Role.COUNSELLOR])
    small_event.save()
    for _ in range(2):
        registration = services.registration_invite(
            by=coordinator, event=small_event, participant=young(users)
        )
        services.registration_confirm(by=coordinator, registration=registration)
    walk_in = young(users)

    with pytest.raises(DomainError, match="complet"):
        services.walk_in_admit(by=users[Role.COUNSELLOR], event=small_event, participant=walk_in)
    with pytest.raises(DomainError, match="complet"):
        services.walk_in_admit(by=coordinator, event=small_event, participant=walk_in)
    admitted = services.walk_in_admit(
        by=coordinator, event=small_event, participant=walk_in, reason="Venu avec son conseiller"
    )

    assert admitted.walk_in and admitted.status == Status.PRESENT


def test_a_walk_in_takes_a_free_place_without_a_reason(users):
    event = users["event"]

    admitted = services.walk_in_admit(
        by=users[Role.COUNSELLOR], event=event, participant=young(users)
    )

    assert admitted.status == Status.PRESENT and admitted.over_capacity_reason == ""


def test_check_in_opens_on_the_day_only(users):
    event = users["event"]
    event.date = timezone.localdate() + dt.timedelta(days=1)
    event.save()

    for member in (users[Role.COUNSELLOR], users[Role.COORDINATOR]):
        with pytest.raises(DomainError, match="ouvre le jour du Café-métiers"):
            services.check_in(by=member, registration=users["registration"])
    event.date = timezone.localdate() - dt.timedelta(days=1)
    event.save()
    with pytest.raises(DomainError, match="émargement papier"):
        services.check_in(by=users[Role.COORDINATOR], registration=users["registration"])


def test_only_the_counsellors_named_staff_check_in(users):
    outsider = UserFactory(
        role=Role.COUNSELLOR, structure=users["registration"].participant.structure_in_charge
    )

    with pytest.raises(DomainError, match="équipe d’accueil"):
        services.check_in(by=outsider, registration=users["registration"])


def test_paper_attendance_marks_present_and_absent(users):
    event = users["event"]
    absent = users["registration"]

    counts = services.attendance_mark(
        by=users[Role.COORDINATOR], event=event, present_ids=[users["present_registration"].pk]
    )

    absent.refresh_from_db()
    assert counts == {"present": 1, "absent": 1}
    assert absent.status == Status.ABSENT


def test_a_participants_workshops_never_overlap(users):
    from events.models import Workshop

    event = users["event"]
    registration = users["registration"]
    coaching = Workshop.objects.create(
        event=event, kind="coaching", starts_at=dt.time(14), ends_at=dt.time(15), capacity=20
    )
    dating = Workshop.objects.create(
        event=event, kind="job_dating", starts_at=dt.time(14, 30), ends_at=dt.time(16), capacity=20
    )
    later = Workshop.objects.create(
        event=event, kind="job_search", starts_at=dt.time(15), ends_at=dt.time(16), capacity=20
    )

    services.workshop_join(by=users[Role.COORDINATOR], registration=registration, workshop=coaching)
    with pytest.raises(DomainError, match="même temps"):
        services.workshop_join(
            by=users[Role.COORDINATOR], registration=registration, workshop=dating
        )
    services.workshop_join(by=users[Role.COORDINATOR], registration=registration, workshop=later)

    assert set(registration.workshops.all()) == {coaching, later}


# Pages --------------------------------------------------------------------------------


def test_check_in_staff_see_names_and_statuses_only(client_for, users):
    registration = users["registration"]
    registration.participant.phone = "+33611223344"
    registration.participant.save()
    JusticeMeasureFactory(participant=registration.participant)
    staff = UserFactory(role=Role.COUNSELLOR)  # another structure, named staff
    staff.structure.territory = users["event"].territory
    staff.structure.save()
    users["event"].staff.add(staff)

    response = client_for(staff).get(reverse("events:check_in", args=[users["event"].pk]))

    content = response.content.decode()
    assert registration.participant.last_name.upper() in content
    assert "06 11 22 33 44" not in content and "+33611223344" not in content
    assert "Semi-liberté" not in content


def test_check_in_search_is_accent_insensitive_and_htmx_returns_the_list(client_for, users):
    participant = users["registration"].participant
    participant.first_name, participant.last_name = "Hélène", "Camara"
    participant.search_name = "helene camara"
    participant.save()

    response = client_for(users[Role.COUNSELLOR]).get(
        reverse("events:check_in", args=[users["event"].pk]),
        {"q": "helene"},
        headers={"HX-Request": "true"},
    )

    assert [r.pk for r in response.context["registrations"]] == [users["registration"].pk]
    assert "<html" not in response.content.decode()


def test_the_qr_token_opens_the_registration_and_get_never_writes(client_for, users):
    registration = users["registration"]
    client = client_for(users[Role.COUNSELLOR])

    page = client.get(reverse("events:check_in_token", args=[registration.check_in_token]))
    registration.refresh_from_db()
    assert page.status_code == 200 and registration.status == Status.INVITED
    read = AccessLog.objects.get(
        user=users[Role.COUNSELLOR], object_type="registration", object_id=registration.pk
    )
    assert read.action == AccessAction.READ and registration.check_in_token not in read.path

    client.post(reverse("events:check_in_mark", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == Status.PRESENT


def test_a_token_cannot_be_guessed_or_used_for_another_event(client_for, users, small_event):
    small_event.date = timezone.localdate()
    small_event.save()
    client = client_for(users[Role.COORDINATOR])
    other = services.registration_invite(
        by=users[Role.COORDINATOR], event=small_event, participant=young(users)
    )

    assert len(users["registration"].check_in_token) >= 40
    assert other.check_in_token != users["registration"].check_in_token
    assert client.get(reverse("events:check_in_token", args=["devine"])).status_code == 404
    # The token belongs to its own registration: it checks in there, nowhere else.
    page = client.get(reverse("events:check_in_token", args=[other.check_in_token]))
    assert page.context["registration"].event == small_event


def test_those_who_may_read_the_measure_see_an_hours_warning(client_for, users):
    participant = users["registration"].participant
    JusticeMeasureFactory(participant=participant, out_from=dt.time(9), out_until=dt.time(16))
    colleague = UserFactory(role=Role.COUNSELLOR, structure=participant.structure_in_charge)

    referent_page = client_for(users[Role.COUNSELLOR]).get(
        reverse("events:detail", args=[users["event"].pk])
    )
    colleague_page = client_for(colleague).get(reverse("events:detail", args=[users["event"].pk]))

    assert participant.pk in referent_page.context["outside_hours"]
    assert "Hors des horaires" in referent_page.content.decode()
    assert colleague_page.context["outside_hours"] == set()
    assert "Hors des horaires" not in colleague_page.content.decode()


def test_a_coordinator_invites_in_bulk_from_a_filtered_list(client_for, users, small_event):
    in_qpv = young(users, lives_in_qpv=True)
    young(users, lives_in_qpv=False)
    client = client_for(users[Role.COORDINATOR])
    url = reverse("events:bulk_invite", args=[small_event.pk])

    listed = client.get(url, {"lives_in_qpv": "true"}).context["candidates"]
    client.post(f"{url}?lives_in_qpv=true", {"participants": [p.pk for p in listed]})

    invited = set(small_event.registrations.values_list("participant_id", flat=True))
    assert in_qpv.pk in invited
    assert invited == {p.pk for p in listed}


# Convocations -----------------------------------------------------------------------


@pytest.fixture
def outboxes(settings):
    from pacte import sms

    settings.SMS_BACKEND = "pacte.sms.LocmemBackend"
    sms.outbox.clear()
    return sms.outbox


def test_an_invitation_sends_the_convocation_once_committed(
    users, coordinator, small_event, outboxes, django_capture_on_commit_callbacks
):
    participant = young(users)

    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_invite(
            by=coordinator, event=small_event, participant=participant
        )

    assert registration.messages.filter(kind="convocation").count() == 1
    assert len(outboxes) == 1
    assert "Pacte" not in str(outboxes[0])


def test_a_draft_event_sends_nothing_until_it_opens(
    client_for, users, coordinator, small_event, outboxes, django_capture_on_commit_callbacks
):
    small_event.status = "draft"
    small_event.save()
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_invite(
            by=coordinator, event=small_event, participant=young(users)
        )
    assert not registration.messages.exists()

    client = client_for(coordinator)
    form = client.get(reverse("events:update", args=[small_event.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        status="open",
        date=small_event.date.isoformat(),
        starts_at="14:00",
        ends_at="18:00",
        staff=[],
    )
    client.post(reverse("events:update", args=[small_event.pk]), data)

    assert registration.messages.filter(kind="convocation").count() == 1


def test_a_counsellor_pauses_the_reminders_of_one_person(client_for, users):
    registration = users["registration"]

    client_for(users[Role.COUNSELLOR]).post(
        reverse("events:registration_reminders", args=[registration.pk]), {"paused": "1"}
    )

    registration.refresh_from_db()
    assert registration.reminders_paused


def test_a_coordinator_adds_a_workshop_within_the_event_hours(client_for, users):
    event = users["event"]
    client = client_for(users[Role.COORDINATOR])
    url = reverse("events:workshop_create", args=[event.pk])

    refused = client.post(
        url, {"kind": "coaching", "starts_at": "12:00", "ends_at": "13:00", "capacity": 10}
    )
    client.post(
        url,
        {
            "kind": "job_search",
            "starts_at": "15:00",
            "ends_at": "16:00",
            "capacity": 10,
            "room": "Salle 2",
        },
    )

    assert "pendant le Café-métiers" in refused.content.decode()
    assert event.workshops.filter(kind="job_search", room="Salle 2").exists()


def test_a_participant_is_put_in_a_workshop_from_the_event_page(client_for, users):
    registration = users["registration"]

    client_for(users[Role.COUNSELLOR]).post(
        reverse("events:registration_workshop", args=[registration.pk]),
        {"workshop": users["workshop"].pk},
    )

    assert list(registration.workshops.all()) == [users["workshop"]]


def test_a_partner_present_brings_its_own_offers_only(client_for, users, paris):
    from partners.demo import fictitious_siret
    from partners.models import JobOffer, Partner

    lidl = Partner.objects.create(
        territory=paris, name="Lidl", kind="employer", siret=fictitious_siret(1)
    )
    carrefour = Partner.objects.create(
        territory=paris, name="Carrefour", kind="employer", siret=fictitious_siret(2)
    )
    own = JobOffer.objects.create(partner=lidl, title="Employé libre-service", contract_type="cdi")
    foreign = JobOffer.objects.create(
        partner=carrefour, title="Hôte de caisse", contract_type="cdd"
    )
    event = users["event"]
    client = client_for(users[Role.COORDINATOR])
    url = reverse("events:event_partner_create", args=[event.pk])

    refused = client.post(
        url,
        {"partner": lidl.pk, "role": "job_dating", "recruiters": 2, "offers": [own.pk, foreign.pk]},
    )
    client.post(
        url, {"partner": lidl.pk, "role": "job_dating", "recruiters": 2, "offers": [own.pk]}
    )

    assert "offres de ce partenaire" in refused.content.decode()
    presence = event.partners.get()
    assert list(presence.offers.all()) == [own]


def _posted_form(client, event, **changes):
    form = client.get(reverse("events:update", args=[event.pk])).context["form"]
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update(
        {
            "date": event.date.isoformat(),
            "starts_at": event.starts_at.strftime("%H:%M"),
            "ends_at": event.ends_at.strftime("%H:%M"),
            "staff": [],
            **changes,
        }
    )
    return data


def test_a_new_date_tells_those_invited_once_and_a_new_title_does_not(
    client_for, users, coordinator, small_event, outboxes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = services.registration_invite(
            by=coordinator, event=small_event, participant=young(users)
        )
    client = client_for(coordinator)

    client.post(
        reverse("events:update", args=[small_event.pk]),
        _posted_form(client, small_event, title="Café-métiers de printemps"),
    )
    assert not registration.messages.filter(kind="change").exists()

    new_date = small_event.date + dt.timedelta(days=7)
    response = client.post(
        reverse("events:update", args=[small_event.pk]),
        _posted_form(client, small_event, date=new_date.isoformat()),
        follow=True,
    )
    small_event.refresh_from_db()
    assert (small_event.date, small_event.schedule_version) == (new_date, 2)
    assert registration.messages.filter(kind="change", event_version=2).count() == 1
    assert "Changement annoncé aux personnes invitées" in response.content.decode()
    # Saving again without a change sends nothing more.
    client.post(reverse("events:update", args=[small_event.pk]), _posted_form(client, small_event))
    assert registration.messages.filter(kind="change").count() == 1


def test_the_hours_warning_costs_one_query_whatever_the_registrations(users):
    from events.selectors import outside_allowed_hours

    event = users["event"]
    registrations = list(event.registrations.all())
    JusticeMeasureFactory(
        participant=registrations[0].participant, out_from=dt.time(9), out_until=dt.time(16)
    )

    with CaptureQueriesContext(connection) as queries:
        flagged = outside_allowed_hours(event, registrations, users[Role.COORDINATOR])

    assert flagged == {registrations[0].participant_id} and len(queries) == 1
