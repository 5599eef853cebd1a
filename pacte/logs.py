"""Log lines an operator can follow across nodes: one per request and one per job, each
with its time, level, logger, the request's id and the user's id.

Never a name, an address or a participant's data: a request is logged by its method,
its URL *pattern* (« participants/<int:pk>/ », never the path, which may hold a personal
link's token, nor the query string, which holds searches), its status and its duration;
a job by its name, function and outcome. The request id is django-guid's: the
`X-Request-ID` nginx sets (deploy/nginx-site.conf), or a new one, echoed in the response.
"""

import logging
import time
from contextvars import ContextVar

import sentry_sdk

request_logger = logging.getLogger("pacte.requests")
job_logger = logging.getLogger("pacte.jobs")

# The signed-in user's id during a request (none before authentication, or anonymous).
current_user_id: ContextVar[int | None] = ContextVar("pacte_user_id", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s user=%(user_id)s] %(message)s"
JSON_FIELDS = "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s %(user_id)s"


class RequestContext(logging.Filter):
    """Adds `request_id` and `user_id` to every record (« - » outside a request)."""

    def filter(self, record):
        # Imported here: django-guid reads the settings when imported, and the settings
        # import this module.
        from django_guid import get_guid

        if not hasattr(record, "request_id"):
            record.request_id = get_guid() or "-"
        if not hasattr(record, "user_id"):
            record.user_id = current_user_id.get() or "-"
        return True


def logging_config(*, log_format: str, level: str = "INFO") -> dict:
    """settings.LOGGING: text lines, or one JSON object per line with LOG_FORMAT=json."""
    if log_format == "json":
        formatter = {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": JSON_FIELDS,
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        }
    else:
        formatter = {"format": TEXT_FORMAT}
    handler = {
        "class": "logging.StreamHandler",
        "formatter": "pacte",
        "filters": ["request_context"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_context": {"()": "pacte.logs.RequestContext"}},
        "formatters": {"pacte": formatter},
        "handlers": {"console": handler},
        "root": {"handlers": ["console"], "level": "WARNING"},
        "loggers": {
            "pacte": {"handlers": ["console"], "level": level, "propagate": False},
            "django_q": {"handlers": ["console"], "level": "WARNING", "propagate": False},
            # It would log each generated id at INFO.
            "django_guid": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        },
    }


class RequestLogMiddleware:
    """One line per request, after django-guid's middleware has set the request's id."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        token = current_user_id.set(None)
        status = 500
        try:
            response = self.get_response(request)
            status = response.status_code
            return response
        finally:
            match = getattr(request, "resolver_match", None)
            request_logger.info(
                "%s %s %s %.1f ms",
                request.method,
                _route(match),
                status,
                (time.perf_counter() - started) * 1000,
                extra={"user_id": current_user_id.get() or "-"},
            )
            current_user_id.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # The view's own log lines carry the user's id too, and so does an error report.
        # A public page (the health check, the login, a personal link) does not need the
        # user: asking would read the session, and the health check must not.
        if not getattr(view_func, "login_required", True):
            return
        user_id = _user_id(request)
        current_user_id.set(user_id)
        if user_id is not None:
            sentry_sdk.set_user({"id": str(user_id)})


def _route(match) -> str:
    if match is None:
        return "<aucune route>"
    return "/" + (match.route or match.view_name or "")


def _user_id(request):
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return user.pk
    return None


def job_started(sender, func=None, task=None, **kwargs):
    """django-q2's pre_execute, in the worker: the job's lines carry its task id."""
    from django_guid import set_guid

    if task:
        set_guid(task.get("id") or "-")


def job_finished(sender, task=None, **kwargs):
    """django-q2's post_execute, in the cluster's monitor: one line per job."""
    if not task:
        return
    started, stopped = task.get("started"), task.get("stopped")
    seconds = (stopped - started).total_seconds() if started and stopped else 0.0
    func = task.get("func")
    success = bool(task.get("success"))
    # Never its result: a failure's text may quote the data the job was handling.
    job_logger.log(
        logging.INFO if success else logging.ERROR,
        "job %s %s %s %.1f ms",
        task.get("name") or "-",
        func if isinstance(func, str) else getattr(func, "__qualname__", "-"),
        "ok" if success else "failed",
        seconds * 1000,
        extra={"request_id": task.get("id") or "-"},
    )
