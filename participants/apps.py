from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Jeunes"

    def ready(self):
        # The filter choices' cache follows saves of accounts, structures and years.
        from pacte.signals import territory_created
        from participants import directory  # noqa: F401
        from participants.personal_data import declare_participants_data
        from participants.programme_years.services import open_current_year_of_new_territory

        declare_participants_data()

        territory_created.connect(
            open_current_year_of_new_territory, dispatch_uid="participants-open-current-year"
        )
