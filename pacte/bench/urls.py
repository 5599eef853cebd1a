"""The bench's URLconf: the project's, plus the floor and the peer admin sites."""

from django.urls import path

from pacte.bench.references import floor, stock_site, tuned_site
from pacte.urls import handler500  # noqa: F401
from pacte.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("__bench__/plancher/<int:pk>/", floor, name="bench_floor"),
    path("__bench__/admin-stock/", stock_site.urls),
    path("__bench__/admin-tuned/", tuned_site.urls),
]
