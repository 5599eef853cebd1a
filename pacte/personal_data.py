"""What Pacte holds about a young person, model by model: one registry (#17).

Every model with a foreign-key path to a participant is declared here once, by its own
app (in its AppConfig.ready: the foundation names no model of a higher layer): what it
holds, its retention category, what anonymisation clears or deletes, and what the
right-of-access export shows. participants.retention and participants.right_of_access
read the registry, and tests/pacte/test_personal_data.py fails when a model with a path
to a participant is missing from it.
"""

from dataclasses import dataclass, field

from django.apps import apps

# Retention categories (settings.PACTE_RETENTION_DAYS): the justice measure goes first,
# the rest of the file is anonymised later.
FILE = "file"
JUSTICE = "justice"
CATEGORIES = {FILE, JUSTICE}


@dataclass(frozen=True)
class Holding:
    """One model's part of a participant's data."""

    model: str  # "app_label.ModelName"
    participant_path: str  # lookup from a row to its participant: "registration__participant"
    holds: str  # what it holds, in French (the README, the export's section title)
    retention: str = FILE
    cleared: dict = field(default_factory=dict)  # anonymisation: field → value left
    deleted: bool = False  # anonymisation (or the category's deadline) deletes the rows
    exported: tuple = ()  # the fields the right-of-access export shows
    order_by: tuple = ("pk",)

    @property
    def model_class(self):
        return apps.get_model(self.model)

    def rows_of(self, participant_id):
        """This model's rows about one participant (any depth of the path)."""
        lookup = "id" if self.participant_path == "id" else f"{self.participant_path}_id"
        return self.model_class._default_manager.filter(**{lookup: participant_id}).order_by(
            *self.order_by
        )


_REGISTRY: dict[str, Holding] = {}


def declare(*holdings: Holding) -> None:
    """Called from each app's ready(): a model is declared once."""
    for holding in holdings:
        if holding.retention not in CATEGORIES:
            raise ValueError(f"{holding.model}: unknown retention category {holding.retention}")
        existing = _REGISTRY.get(holding.model)
        if existing is not None and existing != holding:
            raise ValueError(f"{holding.model} is declared twice in the personal data registry")
        _REGISTRY[holding.model] = holding


def holdings() -> list[Holding]:
    """Every declaration, in the order the apps declared them."""
    return list(_REGISTRY.values())


def holding_of(model) -> Holding | None:
    return _REGISTRY.get(model._meta.label)
