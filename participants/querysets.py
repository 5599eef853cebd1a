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


class ParticipantQuerySet(AttentionMixin, models.QuerySet):
    """Every read of participants starts here, scoped to the user (domain.md, need-to-know)."""

    def visible_to(self, user):
        # Administration is technical: an administrator reads no file (a 404 everywhere).
        if not user.is_authenticated:
            return self.none()
        if user.role in {Role.COORDINATOR, Role.PILOT} and user.territory_id:
            return self.filter(territory_id=user.territory_id)
        if user.role == Role.COUNSELLOR and user.structure_id:
            return self.filter(
                Q(structure_in_charge_id=user.structure_id)
                | Q(referred_by_id=user.structure_id)
                | _stand_in(user)
            )
        return self.none()

    def editable_by(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.COORDINATOR and user.territory_id:
            return self.filter(territory_id=user.territory_id)
        if user.role == Role.COUNSELLOR and user.structure_id:
            return self.filter(Q(structure_in_charge_id=user.structure_id) | _stand_in(user))
        return self.none()

    def justice_visible_to(self, user):
        """Participants whose justice measure the user may read."""
        return self.filter(justice_visible_q(user))


def justice_visible_q(user) -> Q:
    """The condition on a participant for the user to read their justice measure.

    A condition rather than a subquery, so that a list already scoped to the user
    tests it row by row instead of scanning the territory a second time.
    """
    if not user.is_authenticated:
        return Q(pk__isnull=True)  # nobody
    if user.role in {Role.COORDINATOR, Role.PILOT} and user.territory_id:
        return Q(territory_id=user.territory_id)
    if user.role == Role.COUNSELLOR and user.structure_id:
        referring_justice = Q(referred_by_id=user.structure_id) & Q(
            referred_by__kind__in=[StructureKind.SPIP, StructureKind.PJJ]
        )
        return Q(referent=user) | _stand_in(user) | referring_justice
    return Q(pk__isnull=True)  # nobody
