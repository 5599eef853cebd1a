"""System checks of the project's data (tagged `database`: run by `migrate` and
`check --database default`, never by a plain `check`)."""

from django.core.checks import Tags, Warning, register
from django.db import connections


@register(Tags.database)
def accounts_fit_their_structure(app_configs=None, databases=None, **kwargs):
    """Accounts created before the rule « a role fits the kind of its structure »."""
    from pacte.models import User, misfit_accounts_q

    warnings = []
    for alias in databases or ():
        connection = connections[alias]
        # `migrate` runs database checks before creating any table: nothing to check yet.
        if User._meta.db_table not in connection.introspection.table_names():
            continue
        misfits = (
            User.objects.using(alias)
            .filter(misfit_accounts_q())
            .select_related("structure")
            .order_by("pk")
        )
        for account in misfits:
            warnings.append(
                Warning(
                    f"Le compte « {account.username} » (n° {account.pk}) a le rôle "
                    f"« {account.get_role_display()} » dans la structure « {account.structure} » "
                    f"({account.structure.get_kind_display()}) : ce rôle ne convient pas à ce "
                    "type de structure, et le compte ne peut plus se connecter.",
                    hint="Changez son rôle ou sa structure dans Comptes, ou désactivez-le.",
                    obj=account,
                    id="pacte.W001",
                )
            )
    return warnings
