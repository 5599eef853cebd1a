from django.urls import path

from pacte.programme_years import views

app_name = "programme_years"

urlpatterns = [
    path("", views.programme_year_list, name="list"),
    path("ouvrir/", views.programme_year_create, name="create"),
    path("<int:pk>/", views.programme_year_update, name="update"),
    path("<int:pk>/cloture/", views.programme_year_close, name="close"),
    path("<int:pk>/reouverture/", views.programme_year_reopen, name="reopen"),
]
