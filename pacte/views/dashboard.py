from django.shortcuts import render
from django.utils import timezone

from pacte import dashboard
from pacte.permissions import can_see_dashboard, rule_required
from participants.models import Participant, ProgrammeYear


@rule_required(can_see_dashboard)
def dashboard_page(request):
    years = ProgrammeYear.objects.filter(territory_id=request.user.territory_id).order_by("-year")
    chosen = request.GET.get("annee")
    programme_year = (
        (years.filter(year=chosen).first() if chosen and chosen.isdigit() else None)
        or years.filter(year=timezone.localdate().year).first()
        or years.first()
    )
    context = {"years": years, "programme_year": programme_year}
    if programme_year is not None:
        figures = dashboard.figures(programme_year)
        context.update(
            figures=figures,
            outcome_chart=dashboard.bars(figures["outcomes"]),
            referral_chart=dashboard.bars(figures["referrals"]),
            attention_count=Participant.objects.visible_to(request.user)
            .needs_attention(request.user)
            .count(),
        )
    return render(request, "pacte/dashboard.html", context)
