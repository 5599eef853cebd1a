from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Jeunes"

    def ready(self):
        # The filter choices' cache follows saves of accounts, structures and years.
        from participants import directory  # noqa: F401
