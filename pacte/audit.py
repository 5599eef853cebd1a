"""The access log: one entry per read of personal data and per write (domain.md).

A page, a PDF or a write is one entry for its record; a list or an export is one
entry with its filters and the number of rows. Never the data itself.

Reads are logged by declaration: a view that shows personal data says what with
`@reads(record("participant"), rows("registration", "registrations"))`, naming the
variables of its response's context (a TemplateResponse's, or a document's: see
`with_context`). Whatever the method (GET, HEAD, a form displayed again after a POST),
a response that shows them (a 2xx) logs them; a redirect or an error shows nothing.
"""

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlencode

from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Page

from pacte.models import AccessAction, AccessLog

SKIPPED_FILTERS = {"page", "csrfmiddlewaretoken"}
# What people type to find someone (a name, a birth date): the log records that a search
# happened, and how many rows it showed, never what was typed (CNIL: the log itself
# would become a file of the people looked for).
SEARCH_PARAMETERS = {"q", "inviter", "nom", "naissance"}
SEARCHED = "[recherche]"


def _without_searches(request) -> dict:
    return {
        key: (SEARCHED if key in SEARCH_PARAMETERS else values if len(values) > 1 else values[0])
        for key, values in request.GET.lists()
        if key not in SKIPPED_FILTERS and any(value != "" for value in values)
    }


def logged_path(request) -> str:
    """The path and its query, the searched words and any token of the URL (a QR code's, a
    personal link's: credentials) replaced by a mark."""
    path = request.path
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token") if match is not None else None
    if token:
        path = path.replace(str(token), "[jeton]")
    query = _without_searches(request)
    return f"{path}?{urlencode(query, doseq=True)}" if query else path


def _entry(
    *,
    user,
    action,
    object_type,
    object_id=None,
    participant_id=None,
    path="",
    filters=None,
    row_count=None,
    territory_id=None,
):
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        territory_id=getattr(user, "territory_id", None) or territory_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        participant_id=participant_id,
        path=path[:300],
        filters=filters or {},
        row_count=row_count,
    )


def _participant_id(obj):
    if obj.__class__.__name__ == "Participant":
        return obj.pk
    return getattr(obj, "participant_id", None)


def _territory_id(obj):
    """The record's territory, for an entry without an account (a personal link's): the
    pilot of that territory reads it."""
    territory_id = getattr(obj, "territory_id", None)
    if territory_id is None and hasattr(obj, "event"):
        territory_id = obj.event.territory_id
    return territory_id


def log_read(request, obj, *, action=AccessAction.READ):
    """One record shown (a page) or handed out (a PDF, a JSON file)."""
    return _entry(
        user=request.user,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        participant_id=_participant_id(obj),
        path=logged_path(request),
        territory_id=None if request.user.is_authenticated else _territory_id(obj),
    )


def log_list(request, object_type, row_count, *, action=AccessAction.LIST):
    return _entry(
        user=request.user,
        action=action,
        object_type=object_type,
        path=logged_path(request),
        filters=_without_searches(request),
        row_count=row_count,
    )


def log_write(*, user, obj, created=False, deleted=False):
    """A record created, changed or (before it goes) deleted; `user` None for the young
    person's own answer on their page (no account)."""
    action = AccessAction.DELETE if deleted else AccessAction.CREATE if created else None
    return _entry(
        user=user,
        action=action or AccessAction.UPDATE,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        participant_id=_participant_id(obj),
        territory_id=None if user is not None else _territory_id(obj),
    )


@dataclass(frozen=True)
class Shown:
    """Something a response shows, held by its context under `name`: a record (one entry
    each; a list of records is one entry per record), or rows of `object_type` (one entry
    with their number: a paginator's page, a collection or a count). None shows nothing."""

    name: str
    action: str
    object_type: str | None = None
    counted: bool = True

    @property
    def is_rows(self) -> bool:
        return self.object_type is not None

    def log(self, request, value):
        if value is None:
            return
        if self.is_rows:
            count = _row_count(value) if self.counted else None
            log_list(request, self.object_type, count, action=self.action)
            return
        for obj in value if isinstance(value, list | tuple) else [value]:
            log_read(request, obj, action=self.action)


def record(name, *, action=AccessAction.READ) -> Shown:
    return Shown(name, action)


def rows(object_type, name, *, action=AccessAction.LIST, counted=True) -> Shown:
    """`counted=False`: rows whose number means nothing (a report's figures)."""
    return Shown(name, action, object_type, counted)


def _row_count(value) -> int | None:
    if isinstance(value, Page):
        return value.paginator.count
    if isinstance(value, int):
        return value
    return len(value)


def with_context(response, **context):
    """A document (PDF, spreadsheet, JSON) hands what it shows to `reads`, as a page does
    through its TemplateResponse."""
    response.context_data = {**(getattr(response, "context_data", None) or {}), **context}
    return response


def reads(*shown: Shown):
    """Declares what a view shows; logs it for every response that shows it."""

    def decorator(view):
        @wraps(view)
        def logging_view(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            if 200 <= response.status_code < 300:
                context = getattr(response, "context_data", None)
                if context is None:
                    raise ImproperlyConfigured(
                        f"{view.__qualname__} declares what it reads: it must answer a "
                        "TemplateResponse, or a document through audit.with_context"
                    )
                for item in shown:
                    if item.name not in context:
                        raise ImproperlyConfigured(
                            f"{view.__qualname__} declares {item.name!r}, absent from its context"
                        )
                    item.log(request, context[item.name])
            return response

        logging_view.reads = shown
        return logging_view

    return decorator
