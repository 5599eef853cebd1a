from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Jeunes"

    def ready(self):
        # The filter choices' cache follows saves of accounts, structures and years.
        from participants import deliveries, directory  # noqa: F401
        from participants.personal_data import declare_participants_data
        from partners import reports

        declare_participants_data()
        reports.count_deliveries_with("participants.outcomes", deliveries.outcomes_delivered)
