"""One registry of personal data (#17 items 2, 3): every model with a path to a participant
is declared once; anonymisation and the right-of-access export both read it."""

import datetime as dt
import json

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from events.models import Interview, RecruiterTable, SentMessage
from pacte.personal_data import FILE, JUSTICE, holding_of, holdings
from pacte.roles import Role
from participants.factories import (
    FollowUpFactory,
    JusticeMeasureFactory,
    PlanActionFactory,
    TaskFactory,
)
from participants.models import (
    AgendaItem,
    CellMeeting,
    Outcome,
    Participant,
    ReferentChange,
    Status,
    StatusChange,
)
from participants.retention import anonymise, apply_retention
from partners.models import Partner
from tests.events.factories import EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db
PHONE = "+33611223344"


def paths_to_participant(model, depth=0, seen=()):
    """The foreign-key paths from a model to Participant, three joins deep at most."""
    found = []
    for field in model._meta.get_fields():
        if not (field.many_to_one or (field.one_to_one and field.concrete)):
            continue
        related = field.related_model
        if related is None or related in seen:
            continue
        if related is Participant:
            found.append(field.name)
        elif depth < 3:
            found += [
                f"{field.name}__{path}"
                for path in paths_to_participant(related, depth + 1, (*seen, model))
            ]
    return found


def test_every_model_with_a_path_to_a_participant_is_in_the_registry():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if paths_to_participant(model) and holding_of(model) is None
    ]

    assert missing == [], f"declare these in their app's personal_data.py: {missing}"
    assert holding_of(Participant) is not None


@pytest.mark.parametrize("holding", holdings(), ids=lambda h: h.model)
def test_each_declaration_names_real_fields_and_a_real_path(holding):
    model = holding.model_class
    names = {f.name for f in model._meta.get_fields()}

    assert set(holding.cleared) <= names and set(holding.exported) <= names
    assert holding.retention in {FILE, JUSTICE}
    holding.rows_of(0).count()  # the path resolves


@pytest.fixture
def everything(users):
    """One row in every table of the registry about one young person."""
    participant = users["participant"]
    participant.email = "ines@exemple.fr"
    participant.save()
    counsellor, coordinator = users[Role.COUNSELLOR], users[Role.COORDINATOR]
    JusticeMeasureFactory(participant=participant, notes="Sous main de justice")
    follow_up = FollowUpFactory(participant=participant, summary="Parle de sa famille")
    follow_up.summary = "Parle de son frère"
    follow_up.save()  # a second version in the history
    PlanActionFactory(participant=participant, description="Logement au CLJT")
    outcome = Outcome.objects.create(
        participant=participant,
        kind="cdi",
        starts_on=timezone.localdate(),
        employer_name="Boulangerie Martin",
        recorded_by=counsellor,
    )
    outcome.save()
    TaskFactory(participant=participant, title="Prochain contact avec Inès")
    meeting = CellMeeting.objects.create(
        territory=participant.territory, held_on=timezone.localdate(), pilot=users[Role.PILOT]
    )
    AgendaItem.objects.create(
        meeting=meeting,
        participant=participant,
        decision="Inès : orienter vers l’E2C",
        decided_at=timezone.now(),
    )
    StatusChange.objects.create(
        participant=participant,
        from_status=Status.REFERRED,
        to_status=Status.ACTIVE,
        changed_by=counsellor,
        reason="Inès vient aux rendez-vous",
    )
    ReferentChange.objects.create(
        participant=participant,
        from_referent=counsellor,
        to_referent=counsellor,
        changed_by=coordinator,
        reason="Retour de congé d’Inès",
    )
    event = EventFactory(territory=participant.territory, created_by=coordinator)
    registration = RegistrationFactory(
        event=event,
        participant=participant,
        status="present",
        over_capacity_reason="Inès est venue avec son conseiller",
    )
    SentMessage.objects.create(
        registration=registration, kind="convocation", channel="sms", recipient=PHONE
    )
    partner = Partner.objects.create(territory=participant.territory, name="Lidl", kind="employer")
    table = RecruiterTable.objects.create(
        event=event, partner=partner, starts_at=dt.time(14), ends_at=dt.time(16)
    )
    Interview.objects.create(
        table=table,
        registration=registration,
        starts_at=dt.time(14),
        ends_at=dt.time(14, 15),
        outcome="not_retained",
        reason="Inès manquait d’expérience",
    )
    from participants.models import OptOutSource, SmsOptOut

    SmsOptOut.objects.create(phone=PHONE, source=OptOutSource.PAGE, participant=participant)
    participant.refresh_from_db()
    return participant


def test_the_test_data_fills_every_table_of_the_registry(everything):
    empty = [h.model for h in holdings() if not h.rows_of(everything.pk).exists()]

    assert empty == []


@pytest.mark.parametrize(
    "holding", [h for h in holdings() if h.cleared or h.deleted], ids=lambda h: h.model
)
def test_anonymisation_clears_what_the_registry_says(everything, holding):
    anonymise(everything)

    rows = holding.rows_of(everything.pk)
    if holding.deleted:
        assert not rows.exists()
    for name, value in holding.cleared.items():
        if name in {"last_name", "birth_date"}:
            continue  # the file's number and birth year (participants.retention)
        assert set(rows.values_list(name, flat=True)) <= {value}, name


def test_after_anonymisation_no_phone_name_or_reason_is_left_anywhere(everything):
    anonymise(everything)

    for holding in holdings():
        for row in holding.rows_of(everything.pk).values():
            text = json.dumps(row, default=str)
            for trace in (PHONE, "Inès", "ines@exemple.fr", "expérience", "famille"):
                assert trace not in text, (holding.model, trace)


@pytest.mark.parametrize("holding", [h for h in holdings() if h.exported], ids=lambda h: h.model)
def test_the_right_of_access_exports_every_table_of_the_registry(
    client_for, users, everything, holding
):
    response = client_for(users[Role.COORDINATOR]).get(
        reverse("participants:right_of_access", args=[everything.pk, "json"])
    )

    data = json.loads(response.content)
    assert len(data[holding.holds]) == holding.rows_of(everything.pk).count() > 0


def test_the_export_carries_messages_reasons_and_referent_changes(client_for, users, everything):
    data = json.loads(
        client_for(users[Role.COORDINATOR])
        .get(reverse("participants:right_of_access", args=[everything.pk, "json"]))
        .content
    )

    text = json.dumps(data, ensure_ascii=False)
    assert PHONE in text  # the number the convocation went to
    assert "Inès manquait d’expérience" in text  # the recruiter's reason
    assert "Retour de congé d’Inès" in text  # a referent change


def test_a_file_without_activity_for_the_retention_period_is_closed_and_anonymised(users, settings):
    participant = users["participant"]
    long_ago = timezone.now() - dt.timedelta(days=settings.PACTE_RETENTION_DAYS["file"] + 5)
    Participant.objects.filter(pk=participant.pk).update(
        updated_at=long_ago, last_follow_up_on=long_ago.date(), status=Status.ACTIVE
    )

    done = apply_retention()

    participant.refresh_from_db()
    assert done["inactive"] == 1
    assert participant.status == Status.EXITED and participant.anonymised_at is not None
    assert participant.status_changes.filter(to_status=Status.EXITED, changed_by=None).exists()


def test_a_file_still_followed_is_not_closed(users, settings):
    participant = users["participant"]
    Participant.objects.filter(pk=participant.pk).update(last_follow_up_on=timezone.localdate())

    assert apply_retention()["inactive"] == 0
