"""Each access rule is written once (#18 item 2): the queryset that scopes a list and the
predicate that answers for one record agree, for every demo account and every record of
the demo programme."""

import datetime as dt

import pytest
from django.db.models import Q

from events import permissions as event_rules
from events.models import Event
from events.permissions import is_on_check_in_team
from events.selectors import check_in_teams_of
from pacte.models import ACCESS_LOG_READERS, AccessLog, Territory, User
from pacte.roles import Role
from pacte.scoping import TerritoryRule
from participants import permissions
from participants.factories import ParticipantFactory
from participants.models import CellMeeting, Participant
from participants.querysets import RULES
from partners import models as partner_models
from partners.models import Partner
from steering.demo import build_demo
from tests.events.factories import EventFactory
from tests.partners.factories import PartnerFactory

pytestmark = pytest.mark.django_db

PREDICATES = {
    "editable": permissions.can_edit_participant,
    "justice_visible": permissions.can_view_justice,
    "justice_editable": permissions.can_edit_justice,
}


@pytest.fixture
def demo():
    build_demo()
    return list(User.objects.select_related("structure").order_by("pk"))


def test_every_rule_on_a_participant_has_its_predicate():
    assert set(PREDICATES) | {"visible"} == set(RULES)


@pytest.mark.parametrize("rule", sorted(PREDICATES))
def test_the_participant_rules_agree_with_their_querysets(demo, rule):
    participants = list(Participant.objects.select_related("referred_by").order_by("pk"))
    predicate = PREDICATES[rule]
    checked = disagreements = 0
    for user in demo:
        in_queryset = set(
            Participant.objects.filter(RULES[rule](user)).values_list("pk", flat=True)
        )
        annotated = {p.pk: p for p in Participant.objects.with_rules(user)}
        for participant in participants:
            fresh = Participant.objects.get(pk=participant.pk)  # asked of the database
            answers = {predicate(user, fresh), predicate(user, annotated[participant.pk])}
            checked += 1
            if answers != {participant.pk in in_queryset}:
                disagreements += 1
    assert checked >= 5 * 30 and disagreements == 0


def test_the_visible_rule_scopes_the_list_and_the_page(demo):
    for user in demo:
        listed = set(Participant.objects.visible_to(user).values_list("pk", flat=True))
        assert listed == set(
            Participant.objects.filter(RULES["visible"](user)).values_list("pk", flat=True)
        )


def test_the_check_in_team_rule_agrees_with_its_queryset(demo):
    events = list(Event.objects.order_by("pk"))
    for user in demo:
        team_of = set(check_in_teams_of(user).values_list("pk", flat=True))
        for event in events:
            assert is_on_check_in_team(user, event) == (event.pk in team_of), (user, event)


# Every rule « some roles, on the records of their territory » (pacte.scoping), with the
# model it scopes and the predicate that answers for one record.
TERRITORY_RULES = {
    "manage an event": (Event, event_rules.MANAGERS, event_rules.can_manage_event),
    "invite to an event": (Event, event_rules.INVITERS, event_rules.can_invite),
    "read an event's report": (
        Event,
        event_rules.REPORT_READERS,
        event_rules.can_read_event_report,
    ),
    "hand over a file": (
        Participant,
        permissions.COORDINATION,
        permissions.can_export_right_of_access,
    ),
    "read a file's history": (
        Participant,
        permissions.HISTORY_READERS,
        permissions.can_read_history,
    ),
    "lead a Cellule Emploi meeting": (
        CellMeeting,
        permissions.CELL_LEADERS,
        permissions.can_lead_cell_meeting,
        Q(closed_at__isnull=True),  # and a closed meeting is recorded for good
    ),
}

# The scoped lists whose staff branch is a territory rule: queryset and rule agree.
SCOPED_LISTS = {
    "events": (Event, event_rules.STAFF_OF_THE_TERRITORY),
    "Cellule Emploi meetings": (CellMeeting, permissions.CELL_READERS),
    "partners": (Partner, partner_models.STAFF_OF_THE_TERRITORY),
    "access log": (AccessLog, ACCESS_LOG_READERS),
}


@pytest.fixture
def two_territories(demo):
    """The demo, plus records of the second territory (the demo's programme is Paris's)."""
    other = Territory.objects.exclude(pk=Event.objects.values("territory")[:1]).first()
    EventFactory(territory=other)
    PartnerFactory(territory=other)
    ParticipantFactory(programme_year__territory=other)
    pilot = User.objects.filter(role=Role.PILOT).first()
    for territory in Territory.objects.all():
        CellMeeting.objects.create(territory=territory, held_on=dt.date(2026, 6, 1), pilot=pilot)
    closed = CellMeeting.objects.create(territory=other, held_on=dt.date(2026, 5, 1), pilot=pilot)
    CellMeeting.objects.filter(pk=closed.pk).update(closed_at="2026-05-01T18:00Z")
    return demo


def _accounts_of_every_role(users):
    roles = {user.role for user in users}
    assert roles == set(Role), roles
    return users


@pytest.mark.parametrize("name", sorted(TERRITORY_RULES))
def test_each_territory_rule_agrees_with_its_predicate(two_territories, name):
    model, rule, predicate, *also = TERRITORY_RULES[name]
    also = also[0] if also else Q()
    records = list(model.objects.order_by("pk"))
    assert len({record.territory_id for record in records}) >= 2, "both territories"
    held = 0
    for user in _accounts_of_every_role(two_territories):
        ruled = set(model.objects.filter(rule.q(user)).values_list("pk", flat=True))
        allowed = set(model.objects.filter(rule.q(user), also).values_list("pk", flat=True))
        for record in records:
            assert rule.holds(user, record) == (record.pk in ruled), (name, user, record)
            assert predicate(user, record) == (record.pk in allowed), (name, user, record)
            held += record.pk in allowed
    assert held, "the rule holds somewhere: the test compares something"


@pytest.mark.parametrize("name", sorted(SCOPED_LISTS))
def test_the_scoped_lists_of_the_staff_are_their_territory_rule(two_territories, name):
    model, rule = SCOPED_LISTS[name]
    for user in two_territories:
        if user.role in rule.roles:
            listed = set(model.objects.visible_to(user).values_list("pk", flat=True))
            ruled = set(model.objects.filter(rule.q(user)).values_list("pk", flat=True))
            assert listed == ruled, (name, user)


def test_a_territory_rule_holds_for_nobody_without_a_territory():
    rule = TerritoryRule(Role.COORDINATOR)
    lost = User(role=Role.COORDINATOR)  # no structure, no territory
    assert not rule.holds(lost, Event(territory_id=None))
    assert not Event.objects.filter(rule.q(lost)).exists()
