"""`migrate`, run as the owner role when the app runs as another one.

With two database roles (settings.TWO_DATABASE_ROLES: MIGRATE_DATABASE_URL set), the app's
own role may not create or alter tables: migrations go through the `owner` alias unless
--database says otherwise. With one role (development), nothing changes.
"""

from django.conf import settings
from django.core.management.commands import migrate


class Command(migrate.Command):
    def add_arguments(self, parser):
        super().add_arguments(parser)
        parser.set_defaults(database=settings.MIGRATION_DATABASE_ALIAS)
