"""A query compiled once runs again with each value, and only a value it filters on."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Value
from django.forms.models import model_to_dict
from django.test.utils import CaptureQueriesContext

from pacte import compiled
from pacte.roles import Role
from participants.factories import FollowUpFactory, ParticipantFactory, TaskFactory
from participants.models import FollowUp, Task

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


def tasks_of(participant_id):
    return Task.objects.filter(participant_id=participant_id).select_related("assignee", "done_by")


def test_instances_are_what_the_orm_builds_with_their_related_objects(users):
    participant = users["participant"]
    counsellor = users[Role.COUNSELLOR]
    done = TaskFactory(participant=participant, assignee=counsellor, done_by=counsellor)
    done.done_at = dt.datetime(2026, 3, 2, 10, tzinfo=dt.UTC)
    done.save()
    TaskFactory(participant=participant, assignee=counsellor)
    TaskFactory(participant=ParticipantFactory(), assignee=counsellor)
    expected = list(tasks_of(participant.pk))

    with CaptureQueriesContext(connection) as queries:
        found = compiled.instances("test-tasks", tasks_of, participant.pk)
        labels = [(str(task.assignee), str(task.done_by or "")) for task in found]

    assert len(queries) == 1  # the related accounts came with the tasks
    assert [task.pk for task in found] == [task.pk for task in expected]
    for mine, theirs in zip(found, expected, strict=True):
        assert model_to_dict(mine) == model_to_dict(theirs)
        assert (mine.done_at, mine.due_on) == (theirs.done_at, theirs.due_on)
    assert labels == [(str(t.assignee), str(t.done_by or "")) for t in expected]
    assert compiled.instances("test-tasks", tasks_of, -1) == []


def test_an_annotated_queryset_is_refused_for_instances():
    def annotated(participant_id):
        return FollowUp.objects.filter(participant_id=participant_id).annotate(n=Value(1))

    with pytest.raises(ValueError, match="sans annotation"):
        compiled.instances("test-annotated", annotated, 1)
