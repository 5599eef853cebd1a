from django.urls import include, path

from steering.views import dashboard, home, reports

reports_patterns = (
    [
        path("", reports.period_report, name="period"),
        path("rapport.xlsx", reports.period_report_xlsx, name="period_xlsx"),
        path("rapport.pdf", reports.period_report_pdf, name="period_pdf"),
        path("statistiques.csv", reports.statistics_csv, name="statistics_csv"),
    ],
    "reports",
)

urlpatterns = [
    path("", home.home, name="home"),
    path("tableau-de-bord/", dashboard.dashboard_page, name="dashboard"),
    path("rapports/", include(reports_patterns)),
]
