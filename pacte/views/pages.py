from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponsePermanentRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.templatetags.static import static
from django.views.decorators.csrf import requires_csrf_token

from pacte.permissions import can_read_full_privacy_notice


def public_page(template_name):
    @login_not_required
    def view(request):
        return render(request, template_name)

    view.__name__ = template_name.rsplit("/", 1)[-1].removesuffix(".html")
    return view


legal_notice = public_page("pages/mentions_legales.html")
accessibility = public_page("pages/accessibilite.html")


@login_not_required
def personal_data(request):
    """The full notice (the programme, justice data) is for the staff; recruiters and
    visitors read the Café-métiers' one, which never hints at prison."""
    if can_read_full_privacy_notice(request.user):
        return render(request, "pages/donnees_personnelles.html")
    return render(request, "pages/donnees_personnelles_cafe_metiers.html")


@requires_csrf_token
def server_error(request):
    """The 500 page: rendered without the request context, so it never touches the database."""
    context = {
        "service_name": settings.SITE_PUBLIC_NAME,
        "service_operator": settings.SITE_OPERATOR,
    }
    return HttpResponseServerError(loader.get_template("500.html").render(context))


@login_not_required
def favicon(request):
    """Browsers ask for /favicon.ico on every page (the admin site's included): the DSFR's."""
    return HttpResponsePermanentRedirect(static("dsfr/dist/favicon/favicon.ico"))
