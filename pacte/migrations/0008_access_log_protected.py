"""On PostgreSQL, the access log is protected from the app's own role (#17).

- TRUNCATE is refused by a statement trigger (the row triggers of migration 0003 do not
  see it), for every role but a superuser (who could drop the trigger anyway, and whose
  flush empties the test database between tests), the owner included.
- `purge_access_log(cutoff)` deletes the entries older than the cutoff and older than a
  year whatever the cutoff; SECURITY DEFINER, owned by the role running this migration
  (the owner role), so the app role deletes through it only.
- Whoever was granted more than SELECT and INSERT on the log (the app role, through the
  default privileges `setup_database_roles` sets) loses it. The app's role owns no table,
  so it can neither DISABLE TRIGGER nor ALTER the log; only a superuser could set
  session_replication_role, and the app's role is none.

SQLite (development only) has none of this.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION pacte_accesslog_no_truncate() RETURNS trigger AS $$
BEGIN
    -- A superuser may drop this trigger anyway: theirs is the one TRUNCATE let through
    -- (the test database's flush between tests). Every other role is refused, the owner
    -- included; the app role has no TRUNCATE right besides.
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = current_user AND rolsuper) THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'pacte_accesslog cannot be truncated: old entries go through purge_access_log';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER IF EXISTS pacte_accesslog_no_truncate ON pacte_accesslog;
CREATE TRIGGER pacte_accesslog_no_truncate
BEFORE TRUNCATE ON pacte_accesslog
FOR EACH STATEMENT EXECUTE FUNCTION pacte_accesslog_no_truncate();

CREATE OR REPLACE FUNCTION purge_access_log(cutoff timestamptz) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    deleted integer;
BEGIN
    DELETE FROM pacte_accesslog WHERE at < LEAST(cutoff, now() - interval '1 year');
    GET DIAGNOSTICS deleted = ROW_COUNT;
    RETURN deleted;
END;
$$;
REVOKE ALL ON FUNCTION purge_access_log(timestamptz) FROM PUBLIC;

DO $$
DECLARE
    grantee_name text;
BEGIN
    FOR grantee_name IN
        SELECT DISTINCT grantee FROM information_schema.role_table_grants
        WHERE table_schema = 'public' AND table_name = 'pacte_accesslog'
          AND grantee <> current_user AND grantee <> 'PUBLIC'
          AND privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER')
    LOOP
        EXECUTE format(
            'REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON pacte_accesslog FROM %I',
            grantee_name
        );
        EXECUTE format(
            'GRANT EXECUTE ON FUNCTION purge_access_log(timestamptz) TO %I', grantee_name
        );
    END LOOP;
END;
$$;
"""

DROP = """
DROP TRIGGER IF EXISTS pacte_accesslog_no_truncate ON pacte_accesslog;
DROP FUNCTION IF EXISTS pacte_accesslog_no_truncate();
DROP FUNCTION IF EXISTS purge_access_log(timestamptz);
"""


def protect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def unprotect(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("pacte", "0007_background_work")]

    operations = [migrations.RunPython(protect, unprotect)]
