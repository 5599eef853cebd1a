from django.apps import AppConfig


class SteeringConfig(AppConfig):
    """The steering layer: the dashboard, the reports, each role's home page, the
    navigation and the demo programme. It reads every app below it; none reads it."""

    name = "steering"
    verbose_name = "Pilotage"
