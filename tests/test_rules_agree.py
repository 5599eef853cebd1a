"""Each access rule is written once (#18 item 2): the queryset that scopes a list and the
predicate that answers for one record agree, for every demo account and every record of
the demo programme."""

import pytest

from events.models import Event
from events.permissions import is_on_check_in_team
from events.selectors import check_in_teams_of
from pacte.models import User
from participants import permissions
from participants.models import Participant
from participants.querysets import RULES
from steering.demo import build_demo

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
