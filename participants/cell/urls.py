from django.urls import path

from participants.cell import views

app_name = "cell"

urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("nouvelle/", views.meeting_create, name="create"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/modifier/", views.meeting_update, name="update"),
    path("<int:pk>/ordre-du-jour/actualiser/", views.agenda_refresh, name="agenda_refresh"),
    path("<int:pk>/ordre-du-jour/ajouter/", views.agenda_add, name="agenda_add"),
    path("<int:pk>/cas/<int:item_pk>/", views.decision, name="decision"),
    path("<int:pk>/cas/<int:item_pk>/retrait/", views.agenda_withdraw, name="agenda_withdraw"),
    path("<int:pk>/cas/<int:item_pk>/deplacer/", views.agenda_move, name="agenda_move"),
    path("<int:pk>/cloture/", views.meeting_close, name="close"),
    path("<int:pk>/compte-rendu.pdf", views.minutes_pdf, name="minutes"),
]
