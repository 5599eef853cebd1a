import datetime as dt

import pytest
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from pacte.factories import StructureFactory, TerritoryFactory, UserFactory
from pacte.roles import Role
from participants.factories import (
    ParticipantFactory,
    PlanActionFactory,
    ProgrammeYearFactory,
    TaskFactory,
)
from tests import strict_templates


def pytest_configure(config):
    from django.conf import settings

    strict_templates.install()
    # Argon2 is checked by its own test; elsewhere a fast hasher keeps the suite quick.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def jobs_run_at_once(settings):
    """No job cluster in tests: a job queued runs at once, in the test's process
    (django-q2's sync mode). The cluster itself is tested apart (tests/test_cluster.py)."""
    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "sync": True}


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: a test's rows never show in another's page."""
    cache.clear()


@pytest.fixture
def paris(db):
    return TerritoryFactory(paris=True)


@pytest.fixture
def other_territory(db):
    return TerritoryFactory(code="93", name="Seine-Saint-Denis")


@pytest.fixture
def prefecture(paris):
    return StructureFactory(territory=paris, prefecture=True)


@pytest.fixture
def mission_locale(paris):
    return StructureFactory(territory=paris, name="Mission locale de Paris")


@pytest.fixture
def users(paris, other_territory, prefecture, mission_locale):
    """One account per role in Paris, a coordinator of another territory, and a
    Paris participant followed by the counsellor."""
    accounts = {
        Role.ADMINISTRATOR: UserFactory(username="t-admin", administrator=True),
        Role.COORDINATOR: UserFactory(
            username="t-coordination", role=Role.COORDINATOR, structure=prefecture
        ),
        Role.PILOT: UserFactory(username="t-pilote", role=Role.PILOT, structure=prefecture),
        Role.COUNSELLOR: UserFactory(
            username="t-conseiller", role=Role.COUNSELLOR, structure=mission_locale
        ),
        Role.RECRUITER: UserFactory(
            username="t-recruteur",
            role=Role.RECRUITER,
            structure=StructureFactory(territory=paris, company=True),
        ),
        "other_coordinator": UserFactory(
            username="t-coordination2",
            role=Role.COORDINATOR,
            structure=StructureFactory(territory=other_territory, prefecture=True),
        ),
    }
    accounts["participant"] = ParticipantFactory(
        programme_year=ProgrammeYearFactory(territory=paris),
        structure_in_charge=mission_locale,
        referent=accounts[Role.COUNSELLOR],
    )
    accounts["task"] = TaskFactory(participant=accounts["participant"])
    accounts["plan_action"] = PlanActionFactory(participant=accounts["participant"])
    return accounts


@pytest.fixture
def cafe_metiers(users, paris):
    """A Café-métiers today, the counsellor on its check-in staff, two registrations."""
    from events.models import Event, Registration, RegistrationStatus

    accounts = dict(users)

    event = Event.objects.create(
        territory=paris,
        date=timezone.localdate(),
        starts_at=dt.time(14),
        ends_at=dt.time(18),
        venue="Préfecture de Paris",
        address="5 rue Leblanc, 75015 Paris",
        capacity=65,
        status="open",
        created_by=accounts[Role.COORDINATOR],
    )
    event.staff.add(accounts[Role.COUNSELLOR])
    accounts["registration"] = Registration.objects.create(
        event=event,
        participant=accounts["participant"],
        status=RegistrationStatus.INVITED,
        invited_by=accounts[Role.COORDINATOR],
    )
    present = ParticipantFactory(
        programme_year=accounts["participant"].programme_year,
        structure_in_charge=accounts["participant"].structure_in_charge,
        referent=accounts[Role.COUNSELLOR],
    )
    accounts["present_registration"] = Registration.objects.create(
        event=event,
        participant=present,
        status=RegistrationStatus.PRESENT,
        invited_by=accounts[Role.COORDINATOR],
    )
    from events.models import Workshop

    workshop = Workshop.objects.create(
        event=event, kind="coaching", starts_at=dt.time(14), ends_at=dt.time(15), capacity=20
    )
    return {
        "event": event,
        "workshop": workshop,
        "registration": accounts["registration"],
        "present_registration": accounts["present_registration"],
    }
    return accounts


@pytest.fixture
def client_for():
    def make(user):
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make
