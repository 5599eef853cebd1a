import pytest
from django.contrib.auth.models import Group

from pacte.factories import UserFactory
from pacte.roles import ROLE_PERMISSIONS, Role, ensure_role_groups, group_name


def _group_permissions():
    return {
        group.name: sorted(
            f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()
        )
        for group in Group.objects.prefetch_related("permissions__content_type")
    }


def _expected():
    return {group_name(role): sorted(perms) for role, perms in ROLE_PERMISSIONS.items()}


@pytest.mark.django_db
def test_each_role_is_a_group_with_the_permissions_written_in_code():
    assert _group_permissions() == _expected()


@pytest.mark.django_db(transaction=True)
def test_role_groups_exist_in_transactional_tests_too():
    assert _group_permissions() == _expected()


@pytest.mark.django_db
def test_creating_the_groups_again_changes_nothing_and_removes_hand_made_extras():
    from django.contrib.auth.models import Permission

    coordination = Group.objects.get(name=group_name(Role.COORDINATOR))
    coordination.permissions.add(Permission.objects.get(codename="delete_user"))

    ensure_role_groups()
    ensure_role_groups()

    assert _group_permissions() == _expected()
    assert Group.objects.count() == len(Role)


@pytest.mark.django_db
def test_an_account_belongs_to_the_group_of_its_role_and_follows_a_role_change():
    account = UserFactory(role=Role.COUNSELLOR)
    assert list(account.groups.values_list("name", flat=True)) == [group_name(Role.COUNSELLOR)]

    account.role = Role.PILOT
    account.save()

    assert list(account.groups.values_list("name", flat=True)) == [group_name(Role.PILOT)]

    account.role = Role.COORDINATOR
    account.save()
    assert account.has_perm("partners.view_partner")


@pytest.mark.django_db
def test_administrators_are_superusers_and_coordinators_staff_for_the_partner_section():
    admin = UserFactory(administrator=True)
    coordinator = UserFactory(coordinator=True)
    counsellor = UserFactory(counsellor=True)

    assert admin.is_staff and admin.is_superuser
    assert coordinator.is_staff and not coordinator.is_superuser
    assert coordinator.has_perm("partners.change_partner")
    assert not coordinator.has_perm("pacte.delete_user")
    assert not counsellor.is_staff
