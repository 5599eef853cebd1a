from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "events"
    verbose_name = "Café-métiers"

    def ready(self):
        from events import deliveries, participant_page
        from events.personal_data import declare_events_data
        from events.receivers import withdraw_from_upcoming_events
        from participants.signals import participant_exited
        from partners import reports

        declare_events_data()
        participant_page.register()
        reports.count_deliveries_with("events.interviews", deliveries.interviews_delivered)
        reports.count_deliveries_with("events.workshops", deliveries.workshops_delivered)
        reports.read_attendance_with("events", deliveries.events_attended)

        participant_exited.connect(
            withdraw_from_upcoming_events, dispatch_uid="events-withdraw-on-exit"
        )
