import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone

from pacte.models import StructureKind
from pacte.roles import Role


def _stand_in(user):
    """A colleague standing in during an absence, until the end date set."""
    return Q(stand_in=user) & (
        Q(stand_in_until__isnull=True) | Q(stand_in_until__gte=timezone.localdate())
    )


STALE_AFTER_DAYS = 30
JUSTICE_ENDING_WITHIN_DAYS = 60


class AttentionMixin:
    def with_attention(self, user):
        """Flag why each participant needs attention (domain.md), as the user may know it.

        A justice measure ending soon counts only where the user may read the measure:
        nobody else learns of it, not even by the row's presence.
        """
        from participants.models import JusticeMeasure, Task, TaskKind

        today = timezone.localdate()
        cutoff = today - dt.timedelta(days=STALE_AFTER_DAYS)
        justice_ending = models.Exists(
            JusticeMeasure.objects.filter(
                participant=models.OuterRef("pk"),
                ends_on__gte=today,
                ends_on__lte=today + dt.timedelta(days=JUSTICE_ENDING_WITHIN_DAYS),
            )
        )
        justice_readable = justice_visible_q(user)
        return self.exclude(status="exited").annotate(
            stale=models.ExpressionWrapper(
                Q(last_follow_up_on__lt=cutoff)
                | Q(last_follow_up_on__isnull=True, enrolled_on__lt=cutoff),
                output_field=models.BooleanField(),
            ),
            justice_ending=models.ExpressionWrapper(
                justice_readable & Q(justice_ending), output_field=models.BooleanField()
            ),
            check_due=models.Exists(
                Task.objects.filter(
                    participant=models.OuterRef("pk"),
                    kind=TaskKind.OUTCOME_CHECK,
                    done_at__isnull=True,
                    due_on__lte=today,
                )
            ),
        )

    def needs_attention(self, user):
        return self.with_attention(user).filter(
            Q(stale=True) | Q(justice_ending=True) | Q(check_due=True)
        )


NOBODY = Q(pk__isnull=True)


def visible_q(user) -> Q:
    """Who may open a participant's file (domain.md, need-to-know): the coordination and
    the pilot of the territory; a counsellor of the structure in charge or of the referring
    structure, or standing in. Administration is technical: an administrator reads no file."""
    if not user.is_authenticated:
        return NOBODY
    if user.role in {Role.COORDINATOR, Role.PILOT} and user.territory_id:
        return Q(territory_id=user.territory_id)
    if user.role == Role.COUNSELLOR and user.structure_id:
        return (
            Q(structure_in_charge_id=user.structure_id)
            | Q(referred_by_id=user.structure_id)
            | _stand_in(user)
        )
    return NOBODY


def editable_q(user) -> Q:
    """Who may change the file: the coordination of the territory; a counsellor of the
    structure in charge, or standing in."""
    if not user.is_authenticated:
        return NOBODY
    if user.role == Role.COORDINATOR and user.territory_id:
        return Q(territory_id=user.territory_id)
    if user.role == Role.COUNSELLOR and user.structure_id:
        return Q(structure_in_charge_id=user.structure_id) | _stand_in(user)
    return NOBODY


def justice_visible_q(user) -> Q:
    """The condition on a participant for the user to read their justice measure.

    A condition rather than a subquery, so that a list already scoped to the user
    tests it row by row instead of scanning the territory a second time.
    """
    if not user.is_authenticated:
        return NOBODY
    if user.role in {Role.COORDINATOR, Role.PILOT} and user.territory_id:
        return Q(territory_id=user.territory_id)
    if user.role == Role.COUNSELLOR and user.structure_id:
        referring_justice = Q(referred_by_id=user.structure_id) & Q(
            referred_by__kind__in=[StructureKind.SPIP, StructureKind.PJJ]
        )
        return Q(referent=user) | _stand_in(user) | referring_justice
    return NOBODY


def justice_editable_q(user) -> Q:
    """Who may record or change the justice measure: the coordination of the territory,
    the referent or the colleague standing in."""
    if not user.is_authenticated:
        return NOBODY
    if user.role == Role.COORDINATOR and user.territory_id:
        return Q(territory_id=user.territory_id)
    if user.role == Role.COUNSELLOR:
        return Q(referent=user) | _stand_in(user)
    return NOBODY


# Each rule once. The querysets filter with it; the object predicates of
# participants.permissions ask it of one file (`holds`).
RULES = {
    "visible": visible_q,
    "editable": editable_q,
    "justice_visible": justice_visible_q,
    "justice_editable": justice_editable_q,
}
RULES_FOR = "rules_for_user"


def rule_annotations(user) -> dict:
    """Every rule as a boolean column of the same query, for the page that asks them of
    the participant it shows (`ParticipantQuerySet.with_rules`)."""
    columns = {
        f"rule_{name}": models.ExpressionWrapper(rule(user), output_field=models.BooleanField())
        for name, rule in RULES.items()
    }
    return {**columns, RULES_FOR: models.Value(user.pk, output_field=models.IntegerField())}


def holds(name, user, participant) -> bool:
    """Whether RULES[name] holds for the user on this participant: read from the page's
    own query when it annotated the rules for this user, else asked of the database
    (once per participant object, user and rule)."""
    if not user.is_authenticated or participant.pk is None:
        return False
    if participant.__dict__.get(RULES_FOR) == user.pk:
        return bool(participant.__dict__[f"rule_{name}"])
    memo = participant.__dict__.setdefault("_rules_held", {})
    key = (user.pk, name)
    if key not in memo:
        memo[key] = (
            type(participant)
            ._default_manager.filter(pk=participant.pk)
            .filter(RULES[name](user))
            .exists()
        )
    return memo[key]


class ParticipantQuerySet(AttentionMixin, models.QuerySet):
    """Every read of participants starts here, scoped to the user (domain.md, need-to-know)."""

    def _scoped(self, condition):
        return self.none() if condition is NOBODY else self.filter(condition)

    def visible_to(self, user):
        return self._scoped(visible_q(user))

    def editable_by(self, user):
        return self._scoped(editable_q(user))

    def justice_visible_to(self, user):
        """Participants whose justice measure the user may read."""
        return self._scoped(justice_visible_q(user))

    def with_rules(self, user):
        """Each row says which rules hold for the user (participants.permissions reads
        them without a query)."""
        return self.annotate(**rule_annotations(user))
