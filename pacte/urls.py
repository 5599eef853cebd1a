from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from pacte.middleware import otp_exempt
from pacte.views import (
    access_log,
    accounts,
    health,
    login,
    pages,
    second_factor,
    work,
)

accounts_patterns = (
    [
        path("", accounts.account_list, name="list"),
        path("nouveau/", accounts.account_create, name="create"),
        path("<int:pk>/", accounts.account_update, name="update"),
        path("<int:pk>/activation/", accounts.account_set_active, name="set_active"),
        path("<int:pk>/desactivation/", accounts.account_deactivate, name="deactivate"),
    ],
    "accounts",
)

work_patterns = (
    [
        path("<int:pk>/", work.work_detail, name="detail"),
        path("<int:pk>/fichier", work.work_file, name="file"),
    ],
    "work",
)

urlpatterns = [
    path("", include("steering.urls")),
    path("healthz", health.healthz, name="healthz"),
    # Browsers ask for it on every page, the admin site's included.
    path("favicon.ico", pages.favicon),
    path("webhooks/", include("events.webhook_urls")),
    path("comptes/", include(accounts_patterns)),
    path("jeunes/", include("participants.urls")),
    path("cellule-emploi/", include("participants.cell.urls")),
    path("annees-du-programme/", include("pacte.programme_years.urls")),
    path("", include("events.urls")),
    path("partenaires/", include("partners.urls")),
    path("journal/", access_log.access_log, name="access_log"),
    path("travaux/", include(work_patterns)),
    path("connexion/", login.LoginView.as_view(), name="login"),
    path("connexion/second-facteur/", second_factor.second_factor, name="second_factor"),
    path(
        "connexion/second-facteur/activation/",
        second_factor.second_factor_setup,
        name="second_factor_setup",
    ),
    path("deconnexion/", otp_exempt(auth_views.LogoutView.as_view()), name="logout"),
    path(
        "mot-de-passe/changer/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "mot-de-passe/oubli/",
        login.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oubli/envoye/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/nouveau/termine/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("mentions-legales/", pages.legal_notice, name="legal_notice"),
    path("accessibilite/", pages.accessibility, name="accessibility"),
    path("donnees-personnelles/", pages.personal_data, name="personal_data"),
    path("admin/", admin.site.urls),
]

handler500 = "pacte.views.pages.server_error"
