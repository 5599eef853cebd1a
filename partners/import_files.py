"""What an imported file may be, checked before any of it is read further: its size,
its rows, a cell's length, an XLSX's content (ImportFileRefused, with the reason the
import form shows); and the CSV and XLSX formats that read it within those limits and
write exports."""

import csv
import io
import math
import zipfile

import openpyxl
import tablib
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from import_export.formats import base_formats

from partners.resources import cell_text

# Limits of an imported file --------------------------------------------------------
#
# A territory has tens to hundreds of partners, a few contacts each. Past these
# bounds a file is no territory's list but a mistake or an attack, and its preview
# would hold a worker too long: 10,000 rows went past gunicorn's 30-second timeout,
# while 2,000 take 6 to 9 seconds and under 50 MB on a 2-core machine.

MEGABYTE = 1024 * 1024
# The upload, refused from its size alone: a CSV of 2,000 partners is 100 to 300 kB.
MAX_UPLOAD_SIZE = 2 * MEGABYTE
# Data rows (the line of the column names aside), counted while reading.
MAX_ROWS = 2_000
# Characters in a cell. The longest field with a limit (an address) takes 250, and a
# partner's notes are a few lines; the model's own max_length is checked by each row's
# validation. This one bounds what a preview page shows of a cell.
MAX_CELL_LENGTH = 1_000
# An XLSX is a zip: 42 kB of it can hold one cell of 40 MB, or a zip bomb. What it
# holds decompressed is refused past this, from the zip's directory, before any of
# it is decompressed: 2,000 partners with every column filled in hold 1.75 MB.
MAX_XLSX_CONTENT_SIZE = 10 * MEGABYTE
# Columns past this one are left out, like any column the import does not know: our
# files have 12, and a spreadsheet's stray cell in column XFD must not widen every
# row to 16,384 cells.
MAX_COLUMNS = 100
# Too-long cells named in the error; the file is refused anyway.
MAX_REPORTED_CELLS = 10


class ImportFileRefused(ValueError):
    """A file past the limits, or one that does not read: `messages` say why."""

    def __init__(self, messages):
        self.messages = list(messages)
        super().__init__(" ".join(self.messages))


def in_megabytes(size: int) -> str:
    """5,2 for 5.2 MB, rounded up: a file just past the limit never reads as the limit."""
    return number_format(math.ceil(size * 10 / MEGABYTE) / 10, decimal_pos=1)


def check_upload_size(size: int) -> None:
    if size > MAX_UPLOAD_SIZE:
        raise ImportFileRefused(
            [
                _(
                    "Le fichier fait %(size)s Mo : la limite est de %(limit)s Mo. "
                    "Découpez-le en plusieurs fichiers."
                )
                % {"size": in_megabytes(size), "limit": number_format(MAX_UPLOAD_SIZE // MEGABYTE)}
            ]
        )


def grouped(number: int) -> str:
    return number_format(number, force_grouping=True)


def too_many_rows_message() -> str:
    return _(
        "Le fichier compte plus de %(limit)s lignes : découpez-le en plusieurs fichiers "
        "de %(limit)s lignes au plus."
    ) % {"limit": grouped(MAX_ROWS)}


def too_long_cell_message(line: int, column: str) -> str:
    return _("La ligne %(line)s, colonne %(column)s, dépasse %(limit)s caractères.") % {
        "line": grouped(line),
        "column": column,
        "limit": grouped(MAX_CELL_LENGTH),
    }


def dataset_within_limits(rows) -> tablib.Dataset:
    """The dataset of `rows` (the first one names the columns), taken one at a time.

    Reading stops at the first data row past MAX_ROWS; a cell longer than
    MAX_CELL_LENGTH is named with its line and column, and never kept. Every problem
    met on the way is raised at once (ImportFileRefused), nothing of the file kept.

    Blank rows are kept (and skipped by the resource) so that row numbers stay the
    file's line numbers, but not at the end: a spreadsheet often has formatted empty
    rows there, and they are neither counted nor kept.
    """
    dataset = tablib.Dataset()
    problems = []
    too_long = 0
    headers = None
    blank_lines = 0
    try:
        for line, row in enumerate(rows, start=1):
            if headers is None:
                cells = list(row[:MAX_COLUMNS])
            else:
                # Cells beyond the headers have no column.
                cells = list(row[: len(headers)]) + [""] * (len(headers) - len(row))
                if not any(cell_text(value) for value in cells):
                    blank_lines += 1
                    continue
                if line - 1 > MAX_ROWS:
                    problems.append(too_many_rows_message())
                    break
            for column, value in enumerate(cells):
                if isinstance(value, str) and len(value) > MAX_CELL_LENGTH:
                    too_long += 1
                    if too_long <= MAX_REPORTED_CELLS:
                        problems.append(too_long_cell_message(line, column_label(headers, column)))
                    cells[column] = ""
            if headers is None:
                while cells and not cell_text(cells[-1]):
                    cells.pop()  # empty columns at the end of the first line
                headers = dataset.headers = cells
            elif not problems:
                dataset.extend([[""] * len(headers)] * blank_lines)
                dataset.append(cells)
            blank_lines = 0
    except ImportFileRefused as refused:
        problems.extend(refused.messages)
    if too_long > MAX_REPORTED_CELLS:
        problems.append(
            _("%(count)s autres cellules dépassent aussi %(limit)s caractères.")
            % {"count": grouped(too_long - MAX_REPORTED_CELLS), "limit": grouped(MAX_CELL_LENGTH)}
        )
    if problems:
        raise ImportFileRefused(problems)
    return dataset


def column_label(headers, column: int) -> str:
    """« Nom », or the column's number when its header is empty (or is the cell)."""
    header = cell_text(headers[column]) if headers is not None else ""
    if header:
        return f"« {header} »"
    return str(column + 1)


class CSVImport(base_formats.CSV):
    """CSV as spreadsheets write it in France: ";" or ",", UTF-8 or Windows-1252.

    Read as bytes (is_binary) so that the encoding is guessed here; read row by row
    within the limits (dataset_within_limits).
    """

    def is_binary(self):
        return True

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            check_upload_size(len(in_stream))  # at the confirmation too
            try:
                in_stream = in_stream.decode("utf-8-sig")
            except UnicodeDecodeError:
                in_stream = in_stream.decode("cp1252")
        first_line = in_stream[: in_stream.find("\n")]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.reader(io.StringIO(in_stream, newline=""), delimiter=delimiter)
        return dataset_within_limits(self.rows(reader))

    @staticmethod
    def rows(reader):
        line = 0
        while True:
            line += 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                # The csv module's own limit on a field (128 kB) is met before ours.
                if "field limit" in str(error):
                    message = _("La ligne %(line)s a une cellule de plus de %(limit)s caractères.")
                else:
                    message = _("La ligne %(line)s ne se lit pas : un guillemet est-il mal fermé ?")
                raise ImportFileRefused(
                    [message % {"line": grouped(line), "limit": grouped(MAX_CELL_LENGTH)}]
                ) from None
            yield row


class XLSXImport(base_formats.XLSX):
    """The active sheet of a workbook, read row by row within the limits.

    What the zip holds is weighed first; openpyxl's read-only mode then reads the
    sheet as a stream, so that no more of it is read than the limits allow.
    """

    def create_dataset(self, in_stream, **kwargs):
        check_upload_size(len(in_stream))  # at the confirmation too
        source = io.BytesIO(in_stream)
        try:
            with zipfile.ZipFile(source) as archive:
                content_size = sum(member.file_size for member in archive.infolist())
        except zipfile.BadZipFile:
            raise ImportFileRefused(
                [_("Ce fichier n’est pas un classeur XLSX : vérifiez le format choisi.")]
            ) from None
        if content_size > MAX_XLSX_CONTENT_SIZE:
            raise ImportFileRefused(
                [
                    _(
                        "Ce classeur fait %(size)s Mo une fois décompressé : la limite est de "
                        "%(limit)s Mo. N’y gardez que la liste à importer, en %(rows)s lignes "
                        "au plus, ou découpez-la en plusieurs fichiers."
                    )
                    % {
                        "size": in_megabytes(content_size),
                        "limit": number_format(MAX_XLSX_CONTENT_SIZE // MEGABYTE),
                        "rows": grouped(MAX_ROWS),
                    }
                ]
            )
        book = openpyxl.load_workbook(source, read_only=True, data_only=True)
        try:
            sheet = book.active
            # The size the sheet declares is not trusted: rows past it would be
            # dropped, and empty rows up to it made up.
            sheet.reset_dimensions()
            return dataset_within_limits(sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True))
        finally:
            book.close()


class CSVExport(base_formats.CSV):
    """ ";"-separated: what a French spreadsheet opens as columns."""

    def export_data(self, dataset, **kwargs):
        kwargs.setdefault("delimiter", ";")
        return super().export_data(dataset, **kwargs)


IMPORT_FORMATS = [CSVImport, XLSXImport]
EXPORT_FORMATS = [CSVExport, base_formats.XLSX]
