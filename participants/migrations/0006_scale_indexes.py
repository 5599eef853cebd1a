"""Indexes for national scale: the list's sort orders, what "needs attention" looks up,
and the accent-insensitive search.

The search filters `search_name LIKE '%word%'` (a normalised column kept by the
service layer): only a trigram index serves that, so on PostgreSQL pg_trgm is
enabled and a GIN index built on the column. SQLite (development) has neither.
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

TRIGRAM_INDEX = "participant_search_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {TRIGRAM_INDEX} "
            "ON participants_participant USING gin (search_name gin_trgm_ops)"
        )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {TRIGRAM_INDEX}")


class Migration(migrations.Migration):

    dependencies = [
        ('pacte', '0004_export_label'),
        ('participants', '0005_cell_meetings'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='justicemeasure',
            index=models.Index(fields=['ends_on', 'participant'], name='justice_by_end'),
        ),
        migrations.AddIndex(
            model_name='participant',
            index=models.Index(fields=['territory', 'last_name', 'first_name', 'id'], name='participant_by_name'),
        ),
        migrations.AddIndex(
            model_name='participant',
            index=models.Index(fields=['territory', 'last_follow_up_on', 'id'], name='participant_by_follow_up'),
        ),
        migrations.AddIndex(
            model_name='participant',
            index=models.Index(fields=['territory', 'enrolled_on', 'id'], name='participant_by_enrolment'),
        ),
        migrations.AddIndex(
            model_name='task',
            index=models.Index(condition=models.Q(('done_at__isnull', True), ('kind', 'outcome_check')), fields=['due_on', 'participant'], name='task_open_check_by_due'),
        ),
        TrigramExtension(),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
