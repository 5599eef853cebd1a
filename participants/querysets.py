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


class ParticipantQuerySet(models.QuerySet):
    """Every read of participants starts here, scoped to the user (domain.md, need-to-know)."""

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.ADMINISTRATOR:
            return self
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
        if user.role == Role.ADMINISTRATOR:
            return self
        if user.role == Role.COORDINATOR and user.territory_id:
            return self.filter(territory_id=user.territory_id)
        if user.role == Role.COUNSELLOR and user.structure_id:
            return self.filter(Q(structure_in_charge_id=user.structure_id) | _stand_in(user))
        return self.none()

    def justice_visible_to(self, user):
        """Participants whose justice measure the user may read."""
        if not user.is_authenticated:
            return self.none()
        if user.role in {Role.COORDINATOR, Role.PILOT} and user.territory_id:
            return self.filter(territory_id=user.territory_id)
        if user.role == Role.COUNSELLOR and user.structure_id:
            referring_justice = Q(referred_by_id=user.structure_id) & Q(
                referred_by__kind__in=[StructureKind.SPIP, StructureKind.PJJ]
            )
            return self.filter(Q(referent=user) | _stand_in(user) | referring_justice)
        return self.none()
