"""The young person's personal link (#19): their convocation page, without an account.

The token is the registration's own (128 random bits, in the path); it is valid until the
day after the event and only while the registration still concerns them (invited,
confirmed, on the waiting list, present, excused). A new token revokes the old link. Anything
else — unknown, expired, revoked — is the same plain 404, which reveals nothing.
"""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from events.documents import site_url
from events.models import Registration, RegistrationStatus, new_personal_token
from events.permissions import can_register
from pacte import audit
from pacte.exceptions import DomainError

# Valid until the end of the day after the event (an attestation, the way home).
DAYS_VALID_AFTER_EVENT = 1
STATUSES_WITH_A_PAGE = [
    RegistrationStatus.INVITED,
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.PRESENT,
    RegistrationStatus.EXCUSED,  # they said they cannot come: they may change their mind
    RegistrationStatus.EVENT_CANCELLED,  # the page says so
]
# No token of ours is longer: a longer one is refused before any query.
TOKEN_MAX_LENGTH = 32


def personal_path(registration) -> str:
    return reverse("events:personal_page", args=[registration.personal_token])


def personal_url(registration, request=None) -> str:
    """The absolute link, as a message carries it."""
    path = personal_path(registration)
    return request.build_absolute_uri(path) if request is not None else site_url() + path


def valid_until(event) -> dt.date:
    return event.date + dt.timedelta(days=DAYS_VALID_AFTER_EVENT)


def registration_for(token, *, today=None):
    """The registration the link opens, or None (unknown, expired, revoked, over)."""
    if not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    registration = (
        Registration.objects.select_related(
            "event", "event__territory", "participant", "participant__referent"
        )
        .filter(personal_token=token, status__in=STATUSES_WITH_A_PAGE)
        .first()
    )
    today = today or timezone.localdate()
    if registration is None or valid_until(registration.event) < today:
        return None
    return registration


@transaction.atomic
def personal_link_renew(*, by, registration) -> Registration:
    """A new link (a phone lost, a link forwarded): the old one stops working at once."""
    registration = (
        Registration.objects.select_for_update()
        .select_related("event", "participant")
        .get(pk=registration.pk)
    )
    if not can_register(by, registration.event, registration.participant):
        raise DomainError(_("Vous ne pouvez pas changer le lien de ce jeune."))
    registration.personal_token = new_personal_token()
    registration.save(update_fields=["personal_token", "updated_at"])
    audit.log_write(user=by, obj=registration)
    return registration


def demo_personal_path() -> str | None:
    """The page of a demo young person invited to a coming Café-métiers, who may still
    answer (make run prints it beside the demo accounts)."""
    today = timezone.localdate()
    coming = Registration.objects.filter(event__date__gte=today).order_by("event__date", "pk")
    registration = (
        coming.filter(event__date__gt=today, status=RegistrationStatus.INVITED).first()
        or coming.filter(status__in=RegistrationStatus.holding_a_place()).first()
    )
    return personal_path(registration) if registration else None
