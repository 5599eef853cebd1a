"""PostgreSQL COPY from Python iterators: rows stream to the server, never held whole.

A row is a dict of the model's own field names (attnames: `territory_id`); the columns
and their order are the model's concrete fields, so the dataset never lists them again.
A field a row leaves out takes the model's default (or NULL where it may).
"""

import datetime as dt
import json

from django.apps import apps
from django.utils import timezone
from psycopg2 import sql

_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def cell(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, dt.date | dt.datetime | dt.time | int | float):
        return str(value)
    if isinstance(value, list | dict):
        return json.dumps(value).translate(_ESCAPES)
    raise TypeError(f"no COPY encoding for {type(value).__name__}")


class Table:
    """A model's table as COPY sees it: its concrete fields, the defaults of those a row
    may leave out."""

    def __init__(self, db_table: str):
        self.model = next(
            m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == db_table
        )
        fields = self.model._meta.concrete_fields
        self.name = db_table
        self.columns = [field.column for field in fields]
        self.names = [field.attname for field in fields]
        self.defaults = {}
        self._checked = False
        for field in fields:
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
                self.defaults[field.attname] = timezone.now()
            elif field.has_default():
                self.defaults[field.attname] = field.get_default()
            elif field.null:
                self.defaults[field.attname] = None

    def check(self, row: dict):
        unknown = row.keys() - set(self.names)
        if unknown:
            raise ValueError(f"{self.name} : pas de champ {', '.join(sorted(unknown))}")
        missing = [name for name in self.names if name not in row and name not in self.defaults]
        if missing:
            raise ValueError(f"{self.name}.{missing[0]} : ni valeur ni défaut pour le jeu")

    def line(self, row: dict) -> str:
        """The row as a COPY line (the first one checked against the model)."""
        if not self._checked:
            self.check(row)
            self._checked = True
        values = self.defaults | row
        return "\t".join([cell(values[name]) for name in self.names]) + "\n"


class LineReader:
    """A read()-able file over an iterator of COPY lines (what copy_expert pulls from)."""

    def __init__(self, lines, chunk_lines=5000):
        self._lines = iter(lines)
        self._chunk_lines = chunk_lines
        self._buffer = ""
        self.count = 0

    def _fill(self):
        chunk = []
        for text in self._lines:
            chunk.append(text)
            if len(chunk) >= self._chunk_lines:
                break
        self.count += len(chunk)
        return "".join(chunk)

    def read(self, size=-1):
        while size < 0 or len(self._buffer) < size:
            more = self._fill()
            if not more:
                break
            self._buffer += more
        if size < 0:
            data, self._buffer = self._buffer, ""
        else:
            data, self._buffer = self._buffer[:size], self._buffer[size:]
        return data

    readline = read


def copy_rows(cursor, db_table: str, rows) -> int:
    """COPY rows (dicts of the model's field names) into the model's table; the count."""
    table = Table(db_table)
    return copy_lines(cursor, table, map(table.line, rows))


def copy_lines(cursor, table: Table, lines) -> int:
    """COPY lines already written by table.line(); the count."""
    reader = LineReader(lines)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, table.columns))
    )
    cursor.copy_expert(statement, reader, size=65536)
    return reader.count
