"""The recurring jobs, as django-q2 schedules (no crontab lines): made after every
`migrate`, idempotent, in the project's own database. Each cluster's scheduler takes the
schedules due under a row lock (SELECT … FOR UPDATE), so with several clusters a tick
runs once; the jobs themselves are idempotent besides.

Dotted paths, never imports: the foundation names jobs of higher layers without
depending on them.
"""

import datetime as dt

from django.utils import timezone

CALL_COMMAND = "django.core.management.call_command"

# name → (function, its arguments as django-q2 stores them, every N minutes | a daily time)
SCHEDULES = {
    "Messages : envois dus, nouveaux essais, envois interrompus": (
        "events.outbox.dispatch_due",
        "",
        1,
    ),
    "Liste d’attente : passer les places non prises à la personne suivante": (
        "events.offers.offers_expire",
        "",
        5,
    ),
    "Rappels des Café-métiers (jours avant, et le matin même)": (
        "events.notifications.send_due_reminders",
        "",
        dt.time(8, 0),
    ),
    "Le lendemain d’une absence : proposer de reprendre contact": (
        "events.notifications.send_no_show_messages",
        "",
        dt.time(9, 30),
    ),
    "Conservation : effacer et anonymiser les dossiers échus": (
        CALL_COMMAND,
        "'apply_retention'",
        dt.time(2, 0),
    ),
    "Journal des accès : purger les entrées de plus d’un an": (
        CALL_COMMAND,
        "'purge_access_log'",
        dt.time(2, 30),
    ),
    "Sessions expirées": (CALL_COMMAND, "'clearsessions'", dt.time(3, 0)),
    "Anciennes tentatives de connexion (django-axes)": (
        CALL_COMMAND,
        "'axes_reset_logs'",
        dt.time(3, 15),
    ),
    "Tâches de fond : oublier celles de plus de 30 jours": (
        "pacte.jobs.purge_old_jobs",
        "",
        dt.time(3, 30),
    ),
    "Exports et imports : effacer les résultats de plus de 7 jours": (
        "pacte.jobs.purge_old_work",
        "",
        dt.time(3, 45),
    ),
}


def _next_daily(at: dt.time, now=None) -> dt.datetime:
    now = timezone.localtime(now)
    run = now.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
    return run if run > now else run + dt.timedelta(days=1)


def ensure_schedules(*, using="default", apps=None, **kwargs) -> None:
    """Create or update each schedule of SCHEDULES (post_migrate); keep their next run."""
    from django_q.models import Schedule

    for name, (func, args, every) in SCHEDULES.items():
        if isinstance(every, dt.time):
            fields = {"schedule_type": Schedule.DAILY, "minutes": None}
            first_run = _next_daily(every)
        else:
            fields = {"schedule_type": Schedule.MINUTES, "minutes": every}
            first_run = timezone.now()
        schedule, created = Schedule.objects.using(using).get_or_create(
            name=name, defaults={"func": func, "args": args, "next_run": first_run, **fields}
        )
        if not created:
            changed = {"func": func, "args": args, "repeats": -1, **fields}
            if any(getattr(schedule, key) != value for key, value in changed.items()):
                for key, value in changed.items():
                    setattr(schedule, key, value)
                schedule.save(using=using)
