from django.urls import path

from events.job_dating import views as job_dating_views
from events.views import check_in, documents, personal, registrations
from events.views import events as event_views

app_name = "events"

urlpatterns = [
    path("cafes-metiers/", event_views.event_list, name="list"),
    path("cafes-metiers/nouveau/", event_views.event_create, name="create"),
    path("cafes-metiers/<int:pk>/", event_views.event_detail, name="detail"),
    path("cafes-metiers/<int:pk>/modifier/", event_views.event_update, name="update"),
    path("cafes-metiers/<int:pk>/annuler/", event_views.event_cancel, name="cancel"),
    path(
        "cafes-metiers/<int:pk>/inscriptions/",
        registrations.registration_create,
        name="registration_create",
    ),
    path("cafes-metiers/<int:pk>/inviter/", registrations.bulk_invite, name="bulk_invite"),
    path("cafes-metiers/<int:pk>/emargement/", check_in.check_in, name="check_in"),
    path(
        "cafes-metiers/<int:pk>/emargement/compteurs/",
        check_in.check_in_counters,
        name="check_in_counters",
    ),
    path("cafes-metiers/<int:pk>/emargement/sans-inscription/", check_in.walk_in, name="walk_in"),
    path(
        "cafes-metiers/<int:pk>/emargement/nouveau-dossier/",
        check_in.walk_in_create,
        name="walk_in_create",
    ),
    path("cafes-metiers/<int:pk>/emargement-papier/", check_in.attendance, name="attendance"),
    path(
        "cafes-metiers/<int:pk>/feuille-emargement.pdf",
        documents.attendance_sheet,
        name="attendance_sheet",
    ),
    path("cafes-metiers/<int:pk>/badges.pdf", documents.badges, name="badges"),
    path(
        "cafes-metiers/<int:pk>/ateliers/nouveau/",
        event_views.workshop_create,
        name="workshop_create",
    ),
    path(
        "cafes-metiers/<int:pk>/ateliers/<int:workshop_pk>/feuille-emargement.pdf",
        documents.workshop_attendance_sheet,
        name="workshop_attendance_sheet",
    ),
    path(
        "cafes-metiers/<int:pk>/partenaires/nouveau/",
        event_views.event_partner_create,
        name="event_partner_create",
    ),
    path(
        "inscriptions/<int:pk>/atelier/",
        registrations.registration_workshop,
        name="registration_workshop",
    ),
    path(
        "inscriptions/<int:pk>/confirmer/",
        registrations.registration_confirm,
        name="registration_confirm",
    ),
    path(
        "inscriptions/<int:pk>/retirer/",
        registrations.registration_withdraw,
        name="registration_withdraw",
    ),
    path(
        "inscriptions/<int:pk>/rappels/",
        registrations.registration_reminders,
        name="registration_reminders",
    ),
    path("inscriptions/<int:pk>/present/", check_in.check_in_mark, name="check_in_mark"),
    path(
        "inscriptions/<int:pk>/annuler-la-presence/", check_in.check_in_undo, name="check_in_undo"
    ),
    path("inscriptions/<int:pk>/convocation.pdf", documents.convocation, name="convocation"),
    path(
        "inscriptions/<int:pk>/renvoyer-la-convocation/",
        registrations.convocation_resend,
        name="convocation_resend",
    ),
    path(
        "inscriptions/<int:pk>/nouveau-lien/",
        registrations.personal_link_renew,
        name="personal_link_renew",
    ),
    path("inscriptions/<int:pk>/calendrier.ics", documents.calendar_download, name="calendar"),
    path("inscriptions/<int:pk>/attestation.pdf", documents.attestation, name="attestation"),
    path("emargement/<str:token>/", check_in.check_in_token, name="check_in_token"),
    # The young person's personal link: short, it goes in an SMS.
    path("c/<str:token>/", personal.personal_page, name="personal_page"),
    path(
        "c/<str:token>/convocation.pdf",
        personal.personal_convocation,
        name="personal_convocation",
    ),
    path("c/<str:token>/agenda.ics", personal.personal_calendar, name="personal_calendar"),
    path("c/<str:token>/je-viens/", personal.personal_coming, name="personal_coming"),
    path("c/<str:token>/plus-de-sms/", personal.personal_stop_sms, name="personal_stop_sms"),
    path(
        "c/<str:token>/je-ne-peux-pas-venir/",
        personal.personal_not_coming,
        name="personal_not_coming",
    ),
    path(
        "cafes-metiers/<int:pk>/job-dating/tables/nouvelle/",
        job_dating_views.table_create,
        name="table_create",
    ),
    path("cafes-metiers/<int:pk>/job-dating/proposer/", job_dating_views.propose, name="propose"),
    path("cafes-metiers/<int:pk>/cloturer/", job_dating_views.event_close, name="close"),
    path("cafes-metiers/<int:pk>/bilan/", job_dating_views.report, name="report"),
    path("job-dating/tables/<int:pk>/", job_dating_views.table_detail, name="table"),
    path(
        "job-dating/tables/<int:pk>/reserver/",
        job_dating_views.interview_book,
        name="interview_book",
    ),
    path(
        "job-dating/entretiens/<int:pk>/",
        job_dating_views.interview_record,
        name="interview_record",
    ),
    path(
        "job-dating/acces/<str:token>/", job_dating_views.recruiter_access, name="recruiter_access"
    ),
    path(
        "job-dating/tables/<int:pk>/envoyer-le-lien/",
        job_dating_views.send_recruiter_link,
        name="send_recruiter_link",
    ),
    path(
        "job-dating/tables/<int:pk>/planning.pdf",
        job_dating_views.table_schedule,
        name="table_schedule",
    ),
    path(
        "inscriptions/<int:pk>/mon-programme.pdf",
        job_dating_views.participant_schedule,
        name="participant_schedule",
    ),
]
