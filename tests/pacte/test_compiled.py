"""A query compiled once runs again with each value, and only a value it filters on."""

import pytest

from pacte import compiled
from participants.factories import FollowUpFactory, ParticipantFactory
from participants.models import FollowUp

pytestmark = pytest.mark.django_db


def summaries_of(participant_id):
    return FollowUp.objects.filter(participant_id=participant_id).values_list("summary")


def test_each_run_reads_the_rows_of_its_own_value():
    first, second = ParticipantFactory(), ParticipantFactory()
    FollowUpFactory(participant=first, summary="Premier")
    FollowUpFactory(participant=second, summary="Second")

    assert compiled.rows("test-summaries", summaries_of, first.pk) == [("Premier",)]
    assert compiled.rows("test-summaries", summaries_of, second.pk) == [("Second",)]
    assert compiled.rows("test-summaries", summaries_of, -1) == []


def test_a_value_that_is_not_a_parameter_is_refused():
    with pytest.raises(ValueError, match="n’est pas un paramètre"):
        compiled.rows("test-nothing", lambda value: FollowUp.objects.values_list("pk"), 1)
