from django.apps import AppConfig


class BenchConfig(AppConfig):
    """The bench's commands (seed_scale, bench, loadtest) and the floor's template."""

    name = "bench"
    verbose_name = "Banc d’essai"
