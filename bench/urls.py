"""The bench's URLconf: the project's, plus the references (bare, floor, peer admin)."""

from django.urls import path

from bench.references import bare, floor, tuned_site
from pacte.urls import handler500  # noqa: F401
from pacte.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("__bench__/nu/<int:pk>/", bare, name="bench_bare"),
    path("__bench__/plancher/<int:pk>/", floor, name="bench_floor"),
    path("__bench__/admin-tuned/", tuned_site.urls),
]
