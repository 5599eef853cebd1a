"""Querysets compiled to SQL once per process, then run with another value.

Django compiles a queryset to SQL on every evaluation. For a UNION of six annotated
querysets (a participant's timeline), compiling cost three times what PostgreSQL took
to run it. Such a query is built once around a placeholder value, its SQL and
parameters kept; each run puts the real value where the placeholder was.

Only for read queries whose shape never depends on the value: the value must reach the
SQL as a parameter (a filter), never change which tables or clauses it has.
"""

import datetime as dt

from django.db import connections

from pacte.prepared import prepared

# A value no row holds, so that it cannot be mistaken for a parameter of the query.
PLACEHOLDER = -918_273_645_546_372_819

_compiled: dict[tuple, tuple[str, tuple, tuple[int, ...]]] = {}


def rows(name, build, value, using="default") -> list[tuple]:
    """The rows of `build(value)`, compiled once per query name and database."""
    connection = connections[using]
    key = (name, using, connection.vendor)
    found = _compiled.get(key)
    if found is None:
        queryset = build(PLACEHOLDER)
        sql, params = queryset.query.get_compiler(using=using).as_sql()
        positions = tuple(index for index, param in enumerate(params) if param == PLACEHOLDER)
        if not positions:
            raise ValueError(f"{name} : la valeur n’est pas un paramètre de la requête.")
        found = _compiled[key] = (sql, tuple(params), positions)
    sql, params, positions = found
    params = list(params)
    for index in positions:
        params[index] = value
    with prepared(using), connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def as_date(value):
    """A date column as a date: SQLite returns it as text without the ORM's converters."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
