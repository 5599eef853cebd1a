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
from django.db.models.query import get_related_populators

from pacte.prepared import prepared

# A value no row holds, so that it cannot be mistaken for a parameter of the query.
PLACEHOLDER = -918_273_645_546_372_819

_compiled: dict[tuple, tuple] = {}


def rows(name, build, value, using="default") -> list[tuple]:
    """The rows of `build(value)`, compiled once per query name and database."""
    _compiler, sql, params = _compiled_for(("rows", name), build, value, using)
    with prepared(using), connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def instances(name, build, value, using="default") -> list:
    """The model instances of `build(value)` and their select_related objects, built
    the way Django's ModelIterable does, from SQL compiled once per name and database.

    For a queryset of a model's manager (not a related manager) without annotations.
    Never for a queryset scoped to a user: the values kept in its SQL would be the
    first user's; the value must be all that changes (a participant's id).
    """
    compiler, sql, params = _compiled_for(("instances", name), build, value, using)
    with prepared(using), connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    select, klass_info = compiler.select, compiler.klass_info
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, using)
    found = []
    for row in compiler.results_iter([fetched]):
        obj = klass_info["model"].from_db(using, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        found.append(obj)
    return found


def _compiled_for(key, build, value, using):
    connection = connections[using]
    key = (*key, using, connection.vendor)
    found = _compiled.get(key)
    if found is None:
        compiler = build(PLACEHOLDER).query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        positions = tuple(index for index, param in enumerate(params) if param == PLACEHOLDER)
        if not positions:
            raise ValueError(f"{key[1]} : la valeur n’est pas un paramètre de la requête.")
        if compiler.annotation_col_map and key[0] == "instances":
            raise ValueError(f"{key[1]} : une requête d’instances sans annotation.")
        found = _compiled[key] = (compiler, sql, tuple(params), positions)
    compiler, sql, params, positions = found
    params = list(params)
    for index in positions:
        params[index] = value
    return compiler, sql, params


def as_date(value):
    """A date column as a date: SQLite returns it as text without the ORM's converters."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
