"""The steering committee's reports: a period's figures (page, XLSX, PDF) and the
pseudonymised statistics (CSV), always of the user's own territory."""

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from pacte.audit import reads, rows, with_context
from pacte.models import AccessAction
from pacte.pdf import render_pdf
from pacte.permissions import can_see_reports, rule_required
from pacte.spreadsheets import csv_response, xlsx_workbook_response
from steering import dashboard, reports
from steering.forms import PeriodForm


def _period(request):
    """The form and the period asked for; without any parameter, the current year."""
    if not any(name in request.GET for name in PeriodForm.base_fields):
        year = timezone.localdate().year
        return PeriodForm(initial={"periode": reports.YEAR, "annee": year}), reports.Period(
            reports.YEAR, year
        )
    form = PeriodForm(request.GET)
    return form, (form.cleaned_data["period"] if form.is_valid() else None)


def _charts(report):
    return {
        "outcome_chart": dashboard.bars(report["figures"]["outcomes"]),
        "partner_chart": dashboard.paired_bars(report["partners"]["totals"]),
    }


def _page(request, form, *, status=200, period=None, **context):
    """The report's page. `period` is the period whose report it shows (for
    pacte.audit.reads): None with a form to correct, and then no report."""
    return TemplateResponse(
        request,
        "pacte/reports/period.html",
        {"form": form, "period": period, **context},
        status=status,
    )


def _filename(prefix, period):
    return f"{prefix}-{period.slug}"


@reads(rows("period_report", "period", action=AccessAction.READ, counted=False))
@rule_required(can_see_reports)
def period_report(request):
    form, period = _period(request)
    if period is None:
        return _page(request, form)
    report = reports.period_report(request.user.territory_id, period)
    return _page(request, form, period=period, report=report, **_charts(report))


@reads(rows("period_report", "partner_rows", action=AccessAction.EXPORT))
@rule_required(can_see_reports)
def period_report_xlsx(request):
    form, period = _period(request)
    if period is None:
        return _page(request, form, status=400)
    report = reports.period_report(request.user.territory_id, period)
    partner_rows = reports.partner_rows(report)
    response = xlsx_workbook_response(
        _filename("rapport", period),
        [
            (
                _("Synthèse"),
                [_("Rubrique"), _("Indicateur"), _("Valeur")],
                reports.summary_rows(report),
            ),
            (
                _("Sorties par type"),
                [_("Type de sortie"), _("Nombre"), _("Emploi durable")],
                reports.outcome_rows(report),
            ),
            (_("Partenaires"), reports.partner_headers(report), partner_rows),
        ],
    )
    return with_context(response, partner_rows=partner_rows)


@reads(rows("period_report", "report", action=AccessAction.EXPORT, counted=False))
@rule_required(can_see_reports)
def period_report_pdf(request):
    form, period = _period(request)
    if period is None:
        return _page(request, form, status=400)
    report = reports.period_report(request.user.territory_id, period)
    return render_pdf(
        request,
        "pacte/reports/period_pdf.html",
        {"report": report, "territory": request.user.structure.territory, **_charts(report)},
        filename=_filename("rapport", period),
    )


@reads(rows("statistics", "rows", action=AccessAction.EXPORT))
@rule_required(can_see_reports)
def statistics_csv(request):
    form, period = _period(request)
    if period is None:
        return _page(request, form, status=400)
    statistics = reports.statistics_rows(request.user.territory_id, period)
    response = csv_response(
        _filename("statistiques", period),
        [str(h) for h in reports.STATISTICS_HEADERS],
        statistics,
    )
    return with_context(response, rows=statistics)
