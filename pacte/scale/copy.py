"""PostgreSQL COPY from Python iterators: rows stream to the server, never held whole."""

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


def line(values) -> str:
    return "\t".join(map(cell, values)) + "\n"


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


def defaults_for(table: str, columns: list[str]) -> tuple[list[str], str]:
    """The model's other NOT NULL columns and their defaults, as a suffix for each line.

    A column added later to a model (with a default) does not break the dataset.
    """
    model = next(m for m in apps.get_models(include_auto_created=True) if m._meta.db_table == table)
    names, values = [], []
    for field in model._meta.concrete_fields:
        if field.column in columns or field.primary_key or field.null:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = timezone.now()
        elif field.has_default():
            value = field.get_default()
        else:
            raise ValueError(f"{table}.{field.column} : ni valeur ni défaut pour le jeu de données")
        names.append(field.column)
        values.append(cell(value))
    return names, "".join(f"\t{value}" for value in values)


def copy_lines(cursor, table: str, columns: list[str], lines) -> int:
    """COPY already-encoded lines into table(columns); returns the number of rows."""
    extra, suffix = defaults_for(table, columns)
    if extra:
        columns = [*columns, *extra]
        lines = (text[:-1] + suffix + "\n" for text in lines)
    reader = LineReader(lines)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    cursor.copy_expert(statement, reader, size=65536)
    return reader.count


def copy_rows(cursor, table: str, columns: list[str], rows) -> int:
    """COPY Python tuples (encoded by cell()) into table(columns)."""
    return copy_lines(cursor, table, columns, (line(row) for row in rows))
