"""The strict test settings catch our own mistakes and leave third parties alone."""

import warnings

import pytest
from django.template.loader import render_to_string

from tests.strict_templates import UndefinedTemplateVariable


def test_an_undefined_variable_in_a_project_template_fails():
    with pytest.raises(UndefinedTemplateVariable, match="service_name"):
        render_to_string("includes/header.html", {"nav_items": []})


def test_an_undefined_variable_in_a_third_party_template_is_left_alone():
    # django-dsfr's header prints SITE_CONFIG.site_title, which we never pass.
    html = render_to_string("dsfr/header.html", {})

    assert "fr-header" in html


def test_a_warning_raised_from_a_project_module_is_an_error():
    with pytest.raises(UserWarning):
        warnings.warn_explicit("careless", UserWarning, "pacte/x.py", 1, module="pacte.x")


def test_a_warning_raised_from_a_third_party_module_is_not_an_error():
    # Under the suite's own filters this must not raise (it shows in the summary).
    warnings.warn_explicit("theirs", UserWarning, "lib.py", 1, module="somelib.x")
