"""Server-side prepared statements for the hottest reads, on PostgreSQL.

PostgreSQL plans a query every time it receives one. The participant page's reads join
five tables or unite six: planning them took 1 to 2 ms each, up to eight times what
running them took (EXPLAIN ANALYZE at national scale). psycopg2 never prepares a
statement by itself (psycopg 3 does), so within `prepared()` the ORM's SELECTs are sent
as `EXECUTE` of a statement prepared once per database connection: after a few runs,
PostgreSQL keeps its plan (plan_cache_mode auto).

- The statement is the ORM's own SQL, each parameter typed from its Python value; a
  query with a parameter of another type (None, a list…) runs as before.
- `PREPARE` goes once per connection and statement, on the driver's cursor: the query
  counts of a page stay what the page itself asks for. A connection keeps at most
  MAX_PER_CONNECTION of them (Django's connections last CONN_MAX_AGE seconds).
- Elsewhere than on PostgreSQL, `prepared()` changes nothing.

Only for reads whose best plan does not depend on their values: a participant's rows by
its id. A kept ("generic") plan cannot know how many rows a filter keeps: for the
participants list filtered by status and structure it sorted 2,000 rows instead of
walking the name index (3.5 ms against 1.3 ms), so the lists are not prepared.
"""

import contextlib
import datetime as dt
import hashlib
import re

from django.db import connections

# bool before int (a bool is an int), datetime before date (a datetime is a date).
PARAMETER_TYPES = (
    (bool, "boolean"),
    (int, "bigint"),
    (str, "text"),
    (dt.datetime, "timestamptz"),
    (dt.date, "date"),
)
_PLACEHOLDER = re.compile(r"%%|%s")
# A connection keeps this many statements at most (a list's every page is one: its
# LIMIT and OFFSET are written in the SQL); past it, queries run unprepared.
MAX_PER_CONNECTION = 200


@contextlib.contextmanager
def prepared(using="default"):
    """Within the block, SELECTs on `using` run as prepared statements (PostgreSQL)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with connection.execute_wrapper(_execute_prepared):
        yield


def _type_of(value):
    for kind, name in PARAMETER_TYPES:
        if isinstance(value, kind):
            return name
    return None


def _numbered(sql):
    """The ORM's SQL with $1, $2… for its %s placeholders (and % for %%)."""
    counter = iter(range(1, 10_000))
    return _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else f"${next(counter)}", sql)


def _prepared_names(connection) -> set:
    """The statements prepared on this very connection (a new one starts empty)."""
    raw = connection.connection
    state = getattr(connection, "_pacte_prepared", None)
    if state is None or state[0] is not raw:
        state = connection._pacte_prepared = (raw, set())
    return state[1]


def _execute_prepared(execute, sql, params, many, context):
    if many or not isinstance(params, (list, tuple)) or not sql.startswith(("SELECT", "(SELECT")):
        return execute(sql, params, many, context)
    types = [_type_of(value) for value in params]
    if None in types:
        return execute(sql, params, many, context)
    digest = hashlib.blake2b(f"{sql}|{types}".encode(), digest_size=10).hexdigest()
    name = f"pacte_{digest}"
    connection = context["connection"]
    names = _prepared_names(connection)
    if name not in names:
        if len(names) >= MAX_PER_CONNECTION:
            return execute(sql, params, many, context)
        signature = f" ({', '.join(types)})" if types else ""
        # On the driver's cursor: once per connection, not one of the page's queries.
        context["cursor"].cursor.execute(f"PREPARE {name}{signature} AS {_numbered(sql)}")
        names.add(name)
    arguments = f"({', '.join(['%s'] * len(params))})" if params else ""
    return execute(f"EXECUTE {name}{arguments}", params, many, context)
