from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Café-métiers"

    def ready(self):
        from events.receivers import withdraw_from_upcoming_events
        from participants.signals import participant_exited

        participant_exited.connect(
            withdraw_from_upcoming_events, dispatch_uid="events-withdraw-on-exit"
        )
