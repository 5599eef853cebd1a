"""Account management for coordinators: their territory's accounts, from HTML pages."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacte import audit, services
from pacte.exceptions import DomainError
from pacte.filters import AccountFilter
from pacte.forms import AccountForm
from pacte.models import User
from pacte.permissions import can_manage_accounts, rule_required

PAGE_SIZE = 50

ACCOUNT_FIELDS = ["first_name", "last_name", "email", "phone", "structure", "role", "expires_on"]


def _manageable(user):
    return User.objects.manageable_by(user).select_related("structure")


@rule_required(can_manage_accounts)
def account_list(request):
    account_filter = AccountFilter(
        request.GET, queryset=_manageable(request.user), manager=request.user
    )
    page = Paginator(account_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    audit.log_list(request, "user", page.paginator.count)
    return render(
        request,
        "accounts/account_list.html",
        {"filter": account_filter, "page_obj": page, "count": page.paginator.count},
    )


def _save_form(form, save):
    """Run a service from a valid form; a refused rule comes back as a field error."""
    if not form.is_valid():
        return None
    try:
        return save({name: form.cleaned_data[name] for name in ACCOUNT_FIELDS})
    except DomainError as error:
        form.add_error(error.field, error.message)
        return None


@rule_required(can_manage_accounts)
def account_create(request):
    form = AccountForm(request.POST or None, manager=request.user)
    if request.method == "POST":
        account = _save_form(
            form,
            lambda data: services.account_create(
                by=request.user, username=form.cleaned_data["username"], **data
            ),
        )
        if account is not None:
            services.account_send_invitation(
                account=account, base_url=request.build_absolute_uri("/")
            )
            messages.success(
                request,
                _(
                    "Le compte de %(name)s est créé. Un lien pour choisir son mot de passe "
                    "a été envoyé à %(email)s."
                )
                % {"name": account, "email": account.email},
            )
            return redirect("accounts:list")
    return render(request, "accounts/account_form.html", {"form": form, "account": None})


@rule_required(can_manage_accounts)
def account_update(request, pk):
    account = get_object_or_404(_manageable(request.user), pk=pk)
    audit.shown(request, account)
    form = AccountForm(request.POST or None, instance=account, manager=request.user)
    if request.method == "POST":
        saved = _save_form(
            form,
            lambda data: services.account_update(by=request.user, account=account, **data),
        )
        if saved is not None:
            messages.success(request, _("Le compte de %(name)s est enregistré.") % {"name": saved})
            return redirect("accounts:list")
    return render(request, "accounts/account_form.html", {"form": form, "account": account})


@rule_required(can_manage_accounts)
@require_POST
def account_set_active(request, pk):
    account = get_object_or_404(_manageable(request.user), pk=pk)
    active = request.POST.get("active") == "1"
    try:
        services.account_set_active(by=request.user, account=account, active=active)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        message = (
            _("Le compte de %(name)s est réactivé.")
            if active
            else _(
                "Le compte de %(name)s est désactivé : cette personne ne peut plus se connecter."
            )
        )
        messages.success(request, message % {"name": account})
    return redirect("accounts:list")
