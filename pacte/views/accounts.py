"""Account management for coordinators: their territory's accounts, from HTML pages."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacte import services
from pacte.attempts import attempt, cleaned
from pacte.audit import reads, record, rows
from pacte.confirm import confirmation_page
from pacte.exceptions import DomainError
from pacte.filters import AccountFilter
from pacte.forms import AccountForm
from pacte.models import User
from pacte.permissions import can_manage_accounts, rule_required

PAGE_SIZE = 50

ACCOUNT_FIELDS = ["first_name", "last_name", "email", "phone", "structure", "role", "expires_on"]


def _manageable(user):
    return User.objects.manageable_by(user).select_related("structure")


@reads(rows("user", "page_obj"))
@rule_required(can_manage_accounts)
def account_list(request):
    account_filter = AccountFilter(
        request.GET, queryset=_manageable(request.user), manager=request.user
    )
    page = Paginator(account_filter.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "accounts/account_list.html",
        {"filter": account_filter, "page_obj": page, "count": page.paginator.count},
    )


@rule_required(can_manage_accounts)
def account_create(request):
    form = AccountForm(request.POST or None, manager=request.user)
    if request.method == "POST":
        account = attempt(
            lambda: services.account_create(
                by=request.user,
                username=form.cleaned_data["username"],
                **cleaned(form, ACCOUNT_FIELDS),
            ),
            form=form,
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


@reads(record("account"))
@rule_required(can_manage_accounts)
def account_update(request, pk):
    account = get_object_or_404(_manageable(request.user), pk=pk)
    form = AccountForm(request.POST or None, instance=account, manager=request.user)
    if request.method == "POST":
        saved = attempt(
            lambda: services.account_update(
                by=request.user, account=account, **cleaned(form, ACCOUNT_FIELDS)
            ),
            form=form,
        )
        if saved is not None:
            messages.success(request, _("Le compte de %(name)s est enregistré.") % {"name": saved})
            return redirect("accounts:list")
    return TemplateResponse(
        request, "accounts/account_form.html", {"form": form, "account": account}
    )


def _set_active(request, account, *, active):
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


@rule_required(can_manage_accounts)
def account_deactivate(request, pk):
    """GET asks first, saying what deactivating does (it works without JavaScript); POST
    deactivates. Reactivating needs no confirmation (account_set_active)."""
    account = get_object_or_404(_manageable(request.user), pk=pk)
    if request.method == "POST":
        return _set_active(request, account, active=False)
    if account == request.user:
        messages.error(request, _("Vous ne pouvez pas désactiver votre propre compte."))
        return redirect("accounts:list")
    if not account.is_active:
        messages.info(request, _("Le compte de %(name)s est déjà désactivé.") % {"name": account})
        return redirect("accounts:list")
    return confirmation_page(
        request,
        title=_deactivation_title(account),
        text=_deactivation_text(account),
        confirm_label=_("Désactiver le compte"),
        cancel_url=reverse("accounts:list"),
        danger=True,
    )


def _deactivation_title(account):
    return _("Désactiver le compte de %(name)s ?") % {"name": account}


def _deactivation_text(account):
    """What deactivating does, said the same way in the modal and on the confirmation page."""
    return _(
        "%(name)s ne pourra plus se connecter, et ses sessions ouvertes sont fermées "
        "aussitôt. Son compte et tout ce que cette personne a saisi sont conservés ; vous "
        "pourrez réactiver le compte depuis la liste."
    ) % {"name": account}


@rule_required(can_manage_accounts)
@require_POST
def account_set_active(request, pk):
    """Reactivate (active=1) at once. Deactivating is asked first: the buttons lead to
    account_deactivate; a POST with active=0 here still deactivates (a POST is the act)."""
    account = get_object_or_404(_manageable(request.user), pk=pk)
    return _set_active(request, account, active=request.POST.get("active") == "1")
