"""The project's settings, plus the bench app (its commands, the floor's template) and
the bench's URLconf (the project's URLs and the references). DJANGO_SETTINGS_MODULE=
bench.settings, as the Makefile's seed-scale, bench and loadtest targets set it."""

from pacte.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"

# One log line per request would print thousands of lines around the table; a line costs
# microseconds, far under what the bench can tell apart.
LOGGING["loggers"]["pacte.requests"] = {"handlers": [], "level": "WARNING", "propagate": False}  # noqa: F405
