"""The page of a piece of background work, and its file: its requester's only."""

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

from pacte.work.models import BackgroundWork, WorkStatus
from pacte.work.services import work_log_download


def _work(request, pk):
    return get_object_or_404(BackgroundWork.objects.visible_to(request.user), pk=pk)


def work_detail(request, pk):
    """Where the work stands; htmx asks again every 2 seconds while it runs (the partial),
    and without JavaScript the page has a link to reload it."""
    work = _work(request, pk)
    template = "pacte/_work_status.html" if request.htmx else "pacte/work.html"
    return render(request, template, {"work": work})


def work_file(request, pk):
    work = _work(request, pk)
    if work.status != WorkStatus.DONE or not work.file:
        raise Http404
    try:
        handle = work.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    work_log_download(request, work)
    return FileResponse(
        handle,
        as_attachment=True,
        filename=work.download_name,
        content_type=work.content_type,
    )
