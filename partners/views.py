from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render
from django.template.response import TemplateResponse

from pacte.audit import reads, record
from pacte.permissions import is_recruiter, rule_required
from partners import permissions, selectors
from partners.filters import PartnerFilter

PAGE_SIZE = 50


@rule_required(permissions.can_list_partners)
def partner_list(request):
    partner_filter = PartnerFilter(request.GET, queryset=selectors.partners_for_list(request.user))
    page = Paginator(partner_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "partners/partner_list.html",
        {
            "filter": partner_filter,
            "page_obj": page,
            "count": page.paginator.count,
            "can_edit": permissions.can_edit_partners(request.user),
        },
    )


@reads(record("partner"))
def partner_detail(request, pk):
    """A partner's page; a recruiter reaches only their own organisation's."""
    partner = selectors.partner_for_page(request.user, pk)
    recruiter = is_recruiter(request.user)
    if not (recruiter or permissions.can_list_partners(request.user)):
        raise PermissionDenied
    return TemplateResponse(
        request,
        "partners/partner_detail.html",
        {
            "partner": partner,
            "contacts": partner.contacts.all(),
            "offers": partner.offers.all(),
            "is_recruiter": recruiter,
            "events": [] if recruiter else selectors.events_attended(partner),
            "commitments": selectors.commitments_with_delivery(partner)
            if permissions.can_see_delivery(request.user)
            else [],
            "can_edit": permissions.can_edit_partners(request.user),
        },
    )
