"""The table of the database cache (settings.CACHES with DEBUG off and no CACHE_URL), made
with every database rather than when the cache is configured: a database migrated by
any process (a test run, a restore, the bench) serves a production process at once."""

from django.core.management import call_command
from django.db import migrations

CACHE_TABLE = "pacte_cache"


def create_cache_table(apps, schema_editor):
    call_command("createcachetable", CACHE_TABLE, database=schema_editor.connection.alias)


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(f"DROP TABLE IF EXISTS {schema_editor.quote_name(CACHE_TABLE)}")


class Migration(migrations.Migration):
    dependencies = [("pacte", "0012_stored_files")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table)]
