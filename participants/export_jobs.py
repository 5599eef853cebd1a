"""The participants export as background work, for a list longer than
PACTE_EXPORT_INLINE_MAX rows: the request records what to export (the list's filters,
the format), the cluster's job exports it into a file the requester downloads from the
work's page (pacte.work).

The job exports the list again as its requester sees it when it runs: their scope
(selectors.participants_for_list) and the saved filters, so that a row they may not
see is never in the file. The rows go out as the inline export writes them
(participants.exports, pacte.spreadsheets), chunk by chunk into the file.
"""

from urllib.parse import urlencode

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import ngettext

from pacte.audit import SKIPPED_FILTERS
from pacte.spreadsheets import csv_response, xlsx_response
from pacte.work.models import WorkKind
from pacte.work.services import work_progress, work_request, work_write_file
from participants import selectors
from participants.exports import export_table
from participants.filters import ParticipantFilter

PROGRESS_EVERY = 500  # rows between two updates of the work's progress
SHEET = "Jeunes"


def export_filename() -> str:
    """The file's name without its extension, as the inline export names it."""
    return f"jeunes-{timezone.localdate():%Y-%m-%d}"


def export_request(*, by, fmt, query, total):
    """The export of the list `query` filters, as background work (queued)."""
    filters = {key: query.getlist(key) for key in query if key not in SKIPPED_FILTERS}
    back_url = reverse("participants:list")
    if filters:
        back_url += "?" + urlencode(filters, doseq=True)
    return work_request(
        kind=WorkKind.PARTICIPANTS_EXPORT,
        by=by,
        total=total,
        parameters={
            "format": fmt,
            "filters": filters,
            "filename": f"{export_filename()}.{fmt}",
            "back_url": back_url,
        },
    )


class _Progress:
    """The rows, counted on their way to the file; the work's progress every few hundred."""

    def __init__(self, work, rows, total):
        self.work = work
        self.rows = rows
        self.total = total
        self.done = 0

    def __iter__(self):
        for row in self.rows:
            yield row
            self.done += 1
            if self.done % PROGRESS_EVERY == 0:
                work_progress(self.work, done=self.done, total=max(self.total, self.done))
        work_progress(self.work, done=self.done, total=self.done)


def run(work) -> str:
    """The job (pacte.work.services.JOBS): write the file, return the French result."""
    user = work.requested_by
    query = QueryDict(mutable=True)
    for key, values in work.parameters.get("filters", {}).items():
        query.setlist(key, values)
    participant_filter = ParticipantFilter(
        query, queryset=selectors.participants_for_list(user), user=user
    )
    queryset = participant_filter.qs
    total = queryset.count()
    work_progress(work, done=0, total=total)
    headers, rows = export_table(user, queryset)
    counted = _Progress(work, rows, total)
    stem = work.download_name.rsplit(".", 1)[0]
    if work.extension == "xlsx":
        response = xlsx_response(stem, headers, counted, sheet=SHEET)
    else:
        response = csv_response(stem, headers, counted)
    try:
        work_write_file(work, response.streaming_content)
    finally:
        # Not response.close(): it sends request_finished, whose receiver closes the
        # database connection the job still uses (a test's own transaction, even).
        stream = getattr(response, "file_to_stream", None)
        if stream is not None:
            stream.close()
    return ngettext("%(count)s jeune exporté.", "%(count)s jeunes exportés.", counted.done) % {
        "count": number_format(counted.done, force_grouping=True)
    }
