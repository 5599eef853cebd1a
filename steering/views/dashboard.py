from django.template.response import TemplateResponse
from django.utils import timezone

from pacte.audit import reads, rows
from pacte.models import ProgrammeYear
from pacte.permissions import can_see_dashboard, can_see_reports, rule_required
from participants.selectors import participants_needing_attention
from steering import dashboard

ATTENTION_ROWS = 10
PARTNER_ROWS = 15


# The first names of the attention list are personal data shown: one entry, like the
# list's, with its number of rows (none without a programme year: no list).
@reads(rows("participant", "attention_count"))
@rule_required(can_see_dashboard)
def dashboard_page(request):
    years = list(
        ProgrammeYear.objects.filter(territory_id=request.user.territory_id).order_by("-year")
    )
    chosen = request.GET.get("annee", "")
    by_year = {year.year: year for year in years}
    programme_year = (
        (by_year.get(int(chosen)) if chosen.isdigit() else None)
        or by_year.get(timezone.localdate().year)
        or (years[0] if years else None)
    )
    context = {
        "years": years,
        "programme_year": programme_year,
        "can_see_reports": can_see_reports(request.user),
        "attention_count": None,
    }
    if programme_year is not None:
        attention = participants_needing_attention(request.user)
        figures = dashboard.figures(
            programme_year, also=[dashboard.counts(attention, attention_count=dashboard.ALL)]
        )
        attention_count = figures["attention_count"]
        context.update(
            figures=figures,
            outcome_chart=dashboard.bars(figures["outcomes"]),
            referral_chart=dashboard.bars(figures["referrals"]),
            partner_chart=dashboard.paired_bars(figures["partners"]["totals"]),
            main_partners=dashboard.main_partners(figures["partners"], PARTNER_ROWS),
            attention=attention[:ATTENTION_ROWS],
            attention_count=attention_count,
        )
    return TemplateResponse(request, "pacte/dashboard.html", context)
