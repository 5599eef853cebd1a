"""A link by primary key is the text reverse() gives, without a reverse() each time."""

import pytest
from django.urls import reverse
from django.urls.exceptions import NoReverseMatch

from pacte.links import pk_url

NAMES = [
    "participants:detail",
    "events:registration_confirm",
    "events:convocation",
    "events:participant_schedule",
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pk", [1, 7, 42, 918_273_645, 10**12])
def test_it_is_what_reverse_gives(name, pk):
    assert pk_url(name, pk) == reverse(name, args=[pk])


def test_a_url_without_a_key_is_refused():
    with pytest.raises(NoReverseMatch):
        pk_url("participants:list", 3)
