"""A role fits the kind of its structure (domain.md): coordinators and pilots work at the
prefecture, counsellors at a mission locale, SPIP, PJJ, France Travail, a housing partner or
another institution, recruiters at a partner company. Nothing else."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import checks
from django.core.exceptions import ValidationError
from django.urls import reverse

from pacte import services
from pacte.exceptions import DomainError
from pacte.factories import StructureFactory, UserFactory
from pacte.models import StructureKind, User
from pacte.roles import Role
from participants.factories import JusticeMeasureFactory

pytestmark = pytest.mark.django_db

FITS = {
    Role.COORDINATOR: {StructureKind.PREFECTURE},
    Role.PILOT: {StructureKind.PREFECTURE},
    Role.COUNSELLOR: {
        StructureKind.MISSION_LOCALE,
        StructureKind.SPIP,
        StructureKind.PJJ,
        StructureKind.FRANCE_TRAVAIL,
        StructureKind.HOUSING,
        StructureKind.OTHER,
    },
    Role.RECRUITER: {StructureKind.COMPANY},
}
CASES = [(role, kind, kind in fitting) for role, fitting in FITS.items() for kind in StructureKind]


def case_id(case):
    return f"{case[0]}-{case[1]}"


@pytest.fixture
def structures(paris):
    return {
        kind: StructureFactory(territory=paris, kind=kind, name=f"Structure {kind}")
        for kind in StructureKind
    }


@pytest.mark.parametrize(("role", "kind", "fits"), CASES, ids=[case_id(c) for c in CASES])
def test_the_model_accepts_a_role_only_at_a_structure_of_its_kind(structures, role, kind, fits):
    account = User(username="x", role=role, structure=structures[kind])

    if fits:
        account.clean()
    else:
        with pytest.raises(ValidationError) as error:
            account.clean()
        assert "ne convient pas" in error.value.message_dict["role"][0]


@pytest.mark.parametrize(("role", "kind", "fits"), CASES, ids=[case_id(c) for c in CASES])
def test_the_account_service_accepts_a_role_only_at_a_structure_of_its_kind(
    users, structures, role, kind, fits
):
    create = lambda: services.account_create(  # noqa: E731
        by=users[Role.ADMINISTRATOR],
        username=f"new-{role}-{kind}",
        first_name="Inès",
        last_name="Roux",
        email="ines@exemple.fr",
        structure=structures[kind],
        role=role,
    )
    if fits:
        assert create().role == role
    else:
        with pytest.raises(DomainError) as error:
            create()
        assert error.value.field == "role"
        assert not User.objects.filter(username=f"new-{role}-{kind}").exists()


def test_a_coordinator_cannot_make_a_company_account_a_coordinator(client, users, structures):
    client.force_login(users[Role.COORDINATOR])

    response = client.post(
        reverse("accounts:create"),
        {
            "username": "lidl.coordination",
            "first_name": "Lina",
            "last_name": "Lidl",
            "email": "lina@lidl.example",
            "structure": structures[StructureKind.COMPANY].pk,
            "role": Role.COORDINATOR,
        },
    )

    assert response.status_code == 200
    errors = response.context["form"].errors["role"]
    assert errors == [
        "Le rôle « Coordination » ne convient pas à une structure de type « Entreprise "
        "partenaire » : choisissez une structure de type « Préfecture », ou un autre rôle."
    ]
    assert not User.objects.filter(username="lidl.coordination").exists()


def test_a_coordinator_cannot_make_a_spip_account_a_recruiter_on_update(client, users, structures):
    client.force_login(users[Role.COORDINATOR])
    counsellor = users[Role.COUNSELLOR]

    response = client.post(
        reverse("accounts:update", args=[counsellor.pk]),
        {
            "first_name": counsellor.first_name,
            "last_name": counsellor.last_name,
            "email": counsellor.email,
            "structure": structures[StructureKind.SPIP].pk,
            "role": Role.RECRUITER,
        },
    )

    assert response.status_code == 200
    assert "ne convient pas" in response.context["form"].errors["role"][0]
    counsellor.refresh_from_db()
    assert counsellor.role == Role.COUNSELLOR


def test_the_admin_site_refuses_a_misfit_role_next_to_the_field(client, users, structures):
    client.force_login(users[Role.ADMINISTRATOR])
    recruiter = users[Role.RECRUITER]

    response = client.post(
        reverse("admin:pacte_user_change", args=[recruiter.pk]),
        {
            "username": recruiter.username,
            "first_name": recruiter.first_name,
            "last_name": recruiter.last_name,
            "email": recruiter.email,
            "is_active": "on",
            "role": Role.COORDINATOR,
            "structure": recruiter.structure_id,
            "date_joined_0": "2026-01-01",
            "date_joined_1": "10:00:00",
        },
    )

    assert response.status_code == 200
    assert "ne convient pas" in response.context["adminform"].form.errors["role"][0]
    recruiter.refresh_from_db()
    assert recruiter.role == Role.RECRUITER


def test_the_admin_site_refuses_a_misfit_role_on_creation(client, users, structures):
    client.force_login(users[Role.ADMINISTRATOR])

    response = client.post(
        reverse("admin:pacte_user_add"),
        {
            "username": "lidl.pilote",
            "password1": "",
            "password2": "",
            "usable_password": "false",
            "role": Role.PILOT,
            "structure": structures[StructureKind.COMPANY].pk,
            "email": "pilote@lidl.example",
            "first_name": "Paul",
            "last_name": "Lidl",
        },
    )

    assert response.status_code == 200
    assert "ne convient pas" in response.context["adminform"].form.errors["role"][0]
    assert not User.objects.filter(username="lidl.pilote").exists()


@pytest.fixture
def lidl_coordinator(paris, users):
    """The repro: a coordinator at Lidl, created before the rule (bypassing it)."""
    lidl = StructureFactory(territory=paris, kind=StructureKind.COMPANY, name="Lidl")
    return UserFactory(username="lidl.coordination", role=Role.COORDINATOR, structure=lidl)


def test_an_existing_misfit_account_reads_nothing(client, users, lidl_coordinator):
    participant = users["participant"]
    JusticeMeasureFactory(participant=participant)

    client.force_login(lidl_coordinator)

    for url in (
        reverse("participants:detail", args=[participant.pk]),
        reverse("participants:list"),
        reverse("participants:justice_edit", args=[participant.pk]),
        reverse("home"),
    ):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url


def test_an_existing_misfit_account_cannot_log_in(client, lidl_coordinator):
    response = client.post(
        reverse("login"), {"username": "lidl.coordination", "password": "pacte-demo-2026"}
    )

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_system_check_reports_existing_misfit_accounts(users, lidl_coordinator):
    found = checks.run_checks(tags=[checks.Tags.database], databases=["default"])

    misfits = [message for message in found if message.id == "pacte.W001"]
    assert [message.obj for message in misfits] == [lidl_coordinator]
    assert "lidl.coordination" in misfits[0].msg


def test_the_system_check_is_quiet_when_every_account_fits(users):
    found = checks.run_checks(tags=[checks.Tags.database], databases=["default"])

    assert [message for message in found if message.id == "pacte.W001"] == []


def test_the_system_check_runs_only_with_the_database_tag(users, lidl_coordinator):
    assert [m for m in checks.run_checks() if m.id == "pacte.W001"] == []


def test_migrate_still_runs_on_an_empty_database(tmp_path):
    # migrate runs the database checks before it creates the accounts table.
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
