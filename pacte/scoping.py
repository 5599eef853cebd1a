"""The one rule behind every « the … of their territory » (#18 item 2).

Most access rules of the programme read: some roles, on the records of their own
territory. Written once here, a rule gives both the condition that scopes a list (`q`)
and the answer for one record already fetched (`holds`), so the two cannot drift
apart; tests/test_rules_agree.py asks both of every demo account and record.
"""

from dataclasses import dataclass

from django.db.models import Q

# Matches no row: the condition of a rule that does not apply to the user.
NOBODY = Q(pk__in=[])


@dataclass(frozen=True)
class TerritoryRule:
    """Users of these roles, on the records of their own territory."""

    roles: frozenset
    lookup: str = "territory_id"  # from the record to its territory's id

    def __init__(self, *roles, lookup="territory_id"):
        object.__setattr__(self, "roles", frozenset(roles))
        object.__setattr__(self, "lookup", lookup)

    def applies_to(self, user) -> bool:
        return bool(
            user.is_authenticated and user.role in self.roles and user.territory_id is not None
        )

    def q(self, user) -> Q:
        """The condition on the records: a list filters with it."""
        if not self.applies_to(user):
            return NOBODY
        return Q(**{self.lookup: user.territory_id})

    def holds(self, user, record) -> bool:
        """The same condition for one record, without a query."""
        if not self.applies_to(user):
            return False
        value = record
        for step in self.lookup.split("__"):
            value = getattr(value, step)
        return value == user.territory_id
