"""Spreadsheet downloads: CSV streamed row by row, XLSX built in constant memory.

Both open in LibreOffice and Excel with French headers; XLSX keeps dates and
numbers typed and the first row frozen. Text that a spreadsheet would read as a
formula is neutralised (CSV injection).
"""

import csv
import datetime as dt
import tempfile

import xlsxwriter
from django.http import FileResponse, StreamingHttpResponse

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


class _Echo:
    def write(self, value):
        return value


def csv_response(filename, headers, rows):
    writer = csv.writer(_Echo(), delimiter=";")

    def lines():
        yield "\ufeff"  # a BOM, so Excel reads UTF-8
        yield writer.writerow(headers)
        for row in rows:
            yield writer.writerow([_csv_cell(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, bool):
        return "oui" if value else "non"
    return neutralise(value)


def xlsx_response(filename, headers, rows, *, sheet="Export"):
    return xlsx_workbook_response(filename, [(sheet, headers, rows)])


def xlsx_workbook_response(filename, sheets):
    """One workbook of several sheets, each given as (name, headers, rows)."""
    handle = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    workbook = xlsxwriter.Workbook(handle, {"constant_memory": True, "in_memory": False})
    bold = workbook.add_format({"bold": True})
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for sheet, headers, rows in sheets:
        worksheet = workbook.add_worksheet(sheet)
        worksheet.freeze_panes(1, 0)
        for col, header in enumerate(headers):
            worksheet.write_string(0, col, str(header), bold)
            worksheet.set_column(col, col, max(12, len(str(header)) + 2))
        for row_number, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                if value is None or value == "":
                    continue
                if isinstance(value, bool):
                    worksheet.write_boolean(row_number, col, value)
                elif isinstance(value, dt.date):
                    worksheet.write_datetime(row_number, col, value, date_format)
                elif isinstance(value, int | float):
                    worksheet.write_number(row_number, col, value)
                else:
                    worksheet.write_string(row_number, col, neutralise(str(value)))
    workbook.close()
    handle.seek(0)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{filename}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
