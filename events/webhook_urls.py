"""The providers' callbacks (no namespace: the URL names are the project's)."""

from django.urls import path

from events.webhooks import sms_delivery_report

urlpatterns = [
    path("sms/<str:secret>/", sms_delivery_report, name="sms_delivery_report"),
]
