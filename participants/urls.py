from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("nouveau/", views.participant_create, name="create"),
    path("<int:pk>/", views.participant_detail, name="detail"),
    path("<int:pk>/modifier/", views.participant_update, name="update"),
    path("<int:pk>/suivis/", views.follow_up_create, name="follow_up_create"),
    path("<int:pk>/statut/", views.status_change, name="status_change"),
    path("<int:pk>/justice/", views.justice_edit, name="justice_edit"),
    path("<int:pk>/sorties/nouvelle/", views.outcome_create, name="outcome_create"),
]
