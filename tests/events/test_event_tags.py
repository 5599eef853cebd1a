"""The Café-métiers page's pieces written in Python read like Django's."""

import datetime as dt

from django.template import Context, Template
from django.utils.html import escape

from events.models import Registration, RegistrationStatus, Workshop


def test_a_status_reads_like_get_status_display():
    template = Template("{% load event_tags %}{{ code|registration_status }}")
    for status in RegistrationStatus:
        expected = Registration(status=status).get_status_display()
        assert template.render(Context({"code": status.value})) == expected


def test_workshop_options_are_escaped():
    workshop = Workshop(pk=4, title="CV & <lettre>", starts_at=dt.time(14, 30))
    rendered = Template(
        "{% load event_tags %}{% workshop_options workshops as options %}{{ options }}"
    ).render(Context({"workshops": [workshop]}))

    assert rendered == f'<option value="4">14 h 30 {escape(str(workshop))}</option>'
    assert "<lettre>" not in rendered
