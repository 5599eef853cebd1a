"""The access log: one entry per read of personal data and per write (domain.md).

A page, a PDF or a write is one entry for its record; a list or an export is one
entry with its filters and the number of rows. Never the data itself.
"""

from urllib.parse import urlencode

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
):
    return AccessLog.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        territory_id=getattr(user, "territory_id", None),
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


def log_read(request, obj, *, action=AccessAction.READ):
    """One record shown (a page) or handed out (a PDF, a JSON file)."""
    return _entry(
        user=request.user,
        action=action,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        participant_id=_participant_id(obj),
        path=logged_path(request),
    )


SHOWN = "_pacte_shown_records"


def shown(request, obj, *, action=AccessAction.READ):
    """Mark a record as shown by the response being built: pacte.middleware's
    AccessLogMiddleware logs it once the response shows it, whatever the method."""
    request.__dict__.setdefault(SHOWN, []).append((obj, action))


def log_shown(request):
    for obj, action in request.__dict__.pop(SHOWN, []):
        log_read(request, obj, action=action)


def log_list(request, object_type, row_count, *, action=AccessAction.LIST):
    return _entry(
        user=request.user,
        action=action,
        object_type=object_type,
        path=logged_path(request),
        filters=_without_searches(request),
        row_count=row_count,
    )


def log_write(*, user, obj, created=False):
    return _entry(
        user=user,
        action=AccessAction.CREATE if created else AccessAction.UPDATE,
        object_type=obj._meta.model_name,
        object_id=obj.pk,
        participant_id=_participant_id(obj),
    )
