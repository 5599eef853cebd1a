from django.core.paginator import Paginator
from django.shortcuts import render

from pacte.filters import AccessLogFilter
from pacte.models import AccessLog
from pacte.permissions import can_read_access_log, rule_required

PAGE_SIZE = 100


@rule_required(can_read_access_log)
def access_log(request):
    log_filter = AccessLogFilter(
        request.GET,
        queryset=AccessLog.objects.visible_to(request.user).select_related("user"),
        reader=request.user,
    )
    page = Paginator(log_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "pacte/access_log.html",
        {
            "filter": log_filter,
            "page_obj": page,
            "count": page.paginator.count,
        },
    )
