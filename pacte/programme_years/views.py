"""The coordination's programme years: list, open, edit, close and reopen."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pacte.attempts import attempt, cleaned
from pacte.permissions import can_manage_programme_years, rule_required
from pacte.programme_years import services
from pacte.programme_years.forms import ProgrammeYearForm
from pacte.programme_years.models import ProgrammeYear
from pacte.programme_years.selectors import programme_years_of

FIELDS = ("criteria", "target_participants", "target_events")


def _own(request, pk):
    return get_object_or_404(ProgrammeYear.objects.of_territory(request.user.territory_id), pk=pk)


@rule_required(can_manage_programme_years)
def programme_year_list(request):
    years = list(programme_years_of(request.user))
    today = timezone.localdate()
    opened = {year.year for year in years}
    return render(
        request,
        "pacte/programme_years/list.html",
        {
            "years": years,
            "missing": [y for y in (today.year, today.year + 1) if y not in opened],
        },
    )


@rule_required(can_manage_programme_years)
def programme_year_create(request):
    initial = services.year_defaults(request.user.territory_id)
    asked = request.GET.get("annee", "")
    initial["year"] = (
        int(asked) if asked.isdigit() and len(asked) == 4 else timezone.localdate().year
    )
    form = ProgrammeYearForm(request.POST or None, initial=initial)
    if request.method == "POST":
        opened = attempt(
            lambda: services.programme_year_open(
                by=request.user, year=form.cleaned_data["year"], **cleaned(form, FIELDS)
            ),
            form=form,
        )
        if opened is not None:
            messages.success(
                request,
                _("L’année %(year)s est ouverte : les nouveaux dossiers peuvent y être inscrits.")
                % {"year": opened.year},
            )
            return redirect("programme_years:list")
    return render(
        request, "pacte/programme_years/form.html", {"form": form, "programme_year": None}
    )


@rule_required(can_manage_programme_years)
def programme_year_update(request, pk):
    programme_year = _own(request, pk)
    form = ProgrammeYearForm(request.POST or None, instance=programme_year)
    if request.method == "POST":
        saved = attempt(
            lambda: services.programme_year_update(
                by=request.user, programme_year=programme_year, **cleaned(form, FIELDS)
            ),
            form=form,
        )
        if saved is not None:
            messages.success(request, _("L’année %(year)s est enregistrée.") % {"year": saved})
            return redirect("programme_years:list")
    return render(
        request,
        "pacte/programme_years/form.html",
        {"form": form, "programme_year": programme_year},
    )


@rule_required(can_manage_programme_years)
def programme_year_close(request, pk):
    """GET asks for confirmation (it works without JavaScript); POST closes."""
    programme_year = _own(request, pk)
    if request.method == "POST":
        services.programme_year_close(by=request.user, programme_year=programme_year)
        messages.success(
            request,
            _("L’année %(year)s est close : elle ne prend plus de nouveau dossier.")
            % {"year": programme_year.year},
        )
        return redirect("programme_years:list")
    return render(
        request,
        "pacte/programme_years/close.html",
        {
            "programme_year": programme_year,
            "participant_count": programme_year.participants.count(),
        },
    )


@rule_required(can_manage_programme_years)
@require_POST
def programme_year_reopen(request, pk):
    programme_year = services.programme_year_reopen(
        by=request.user, programme_year=_own(request, pk)
    )
    messages.success(
        request,
        _("L’année %(year)s est rouverte : elle prend de nouveau des dossiers.")
        % {"year": programme_year.year},
    )
    return redirect("programme_years:list")
