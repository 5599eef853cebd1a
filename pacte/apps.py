from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PacteConfig(AppConfig):
    name = "pacte"
    verbose_name = "Pacte 2ème chance"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django_q.signals import post_execute, pre_execute

        from pacte import checks  # noqa: F401 - registers the system checks
        from pacte.logs import job_finished, job_started
        from pacte.middleware import record_login_time
        from pacte.programme_years.services import open_current_year_of_new_territory
        from pacte.roles import ensure_role_groups
        from pacte.schedules import ensure_schedules
        from pacte.signals import territory_created

        post_migrate.connect(ensure_role_groups, sender=self, dispatch_uid="pacte-role-groups")
        post_migrate.connect(ensure_schedules, sender=self, dispatch_uid="pacte-schedules")
        user_logged_in.connect(record_login_time, dispatch_uid="pacte-login-time")
        pre_execute.connect(job_started, dispatch_uid="pacte-job-started")
        post_execute.connect(job_finished, dispatch_uid="pacte-job-finished")
        territory_created.connect(
            open_current_year_of_new_territory, dispatch_uid="pacte-open-current-year"
        )
