"""Undefined variables in the project's own templates fail the test that renders them.

Django calls `string_if_invalid % name` when a variable cannot be resolved (not
inside `{% if %}`). We walk up to the template node being rendered and raise
only when its template file belongs to this project: third-party templates
(django-dsfr, the admin) keep their own habits.
"""

import inspect
from pathlib import Path

from django.conf import settings
from django.template.base import Node

PROJECT_DIR = Path(settings.BASE_DIR).resolve()


class UndefinedTemplateVariable(Exception):
    pass


def _template_being_rendered() -> str | None:
    frame = inspect.currentframe()
    while frame is not None:
        candidate = frame.f_locals.get("self")
        if isinstance(candidate, Node) and getattr(candidate, "origin", None) is not None:
            return candidate.origin.name
        frame = frame.f_back
    return None


def is_project_template(name: str | None) -> bool:
    if not name:
        return False
    path = Path(name).resolve()
    if "site-packages" in path.parts or ".venv" in path.parts:
        return False
    return path.is_relative_to(PROJECT_DIR)


class StrictUndefined(str):
    def __new__(cls):
        return super().__new__(cls, "%s")

    def __mod__(self, variable):
        template = _template_being_rendered()
        if is_project_template(template):
            raise UndefinedTemplateVariable(f"Undefined variable {variable!r} in {template}")
        return ""


def install() -> None:
    for engine in settings.TEMPLATES:
        if engine["BACKEND"].endswith("DjangoTemplates"):
            engine.setdefault("OPTIONS", {})["string_if_invalid"] = StrictUndefined()
