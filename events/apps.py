from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Café-métiers"

    def ready(self):
        from events.personal_data import declare_events_data
        from events.receivers import withdraw_from_upcoming_events

        declare_events_data()
        from participants.signals import participant_exited

        participant_exited.connect(
            withdraw_from_upcoming_events, dispatch_uid="events-withdraw-on-exit"
        )
