"""On PostgreSQL, the access log refuses UPDATE, and DELETE of entries younger than a year.

The trigger applies to every role, superusers included. SQLite (development) has
no such guard.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION pacte_accesslog_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'pacte_accesslog is append-only: entries cannot be changed';
    END IF;
    IF OLD.at > now() - interval '1 year' THEN
        RAISE EXCEPTION 'pacte_accesslog: entries younger than one year cannot be deleted';
    END IF;
    RETURN OLD;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER pacte_accesslog_append_only
BEFORE UPDATE OR DELETE ON pacte_accesslog
FOR EACH ROW EXECUTE FUNCTION pacte_accesslog_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS pacte_accesslog_append_only ON pacte_accesslog;
DROP FUNCTION IF EXISTS pacte_accesslog_append_only();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("pacte", "0002_access_log")]

    operations = [migrations.RunPython(create_trigger, drop_trigger)]
