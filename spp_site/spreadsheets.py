"""CSV downloads that open safely in a spreadsheet program."""

import csv

from django.http import HttpResponse
from django.utils.http import content_disposition_header

# A cell starting with one of these is read as a formula by Excel, LibreOffice and Google Sheets
# ("CSV injection"): =HYPERLINK(…) in a project title would become a live link, or worse.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """The cell as text, with a leading apostrophe when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_response(filename, header, rows):
    """A CSV file download: UTF-8 with a byte order mark (so that Excel reads the umlauts),
    every cell passed through `safe_cell`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    response.write("\ufeff")
    writer = csv.writer(response)
    writer.writerow([safe_cell(cell) for cell in header])
    writer.writerows([safe_cell(cell) for cell in row] for row in rows)
    return response
