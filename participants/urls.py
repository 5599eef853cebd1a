from django.urls import path

from participants import views

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("nouveau/", views.participant_create, name="create"),
    path("a-suivre/", views.attention_list, name="attention"),
    path("conservation/", views.retention_due, name="retention_due"),
    path("export.<str:fmt>", views.participant_export, name="export"),
    path("taches/", views.task_list, name="tasks"),
    path("taches/<int:pk>/faite/", views.task_complete, name="task_complete"),
    path("<int:pk>/", views.participant_detail, name="detail"),
    path("<int:pk>/modifier/", views.participant_update, name="update"),
    path("<int:pk>/suivis/", views.follow_up_create, name="follow_up_create"),
    path("<int:pk>/statut/", views.status_change, name="status_change"),
    path("<int:pk>/sms/", views.sms_refusal, name="sms_refusal"),
    path("<int:pk>/justice/", views.justice_edit, name="justice_edit"),
    path("<int:pk>/sorties/nouvelle/", views.outcome_create, name="outcome_create"),
    path("<int:pk>/actions/nouvelle/", views.plan_action_create, name="plan_action_create"),
    path(
        "<int:pk>/actions/<int:action_pk>/",
        views.plan_action_update,
        name="plan_action_update",
    ),
    path("<int:pk>/referent/", views.hand_over, name="hand_over"),
    path("<int:pk>/remplacement/", views.stand_in, name="stand_in"),
    path("<int:pk>/modifications/", views.participant_history, name="history"),
    path("<int:pk>/droit-d-acces.<str:fmt>", views.right_of_access, name="right_of_access"),
]
