"""PDF documents from HTML templates (WeasyPrint): A4, the prefecture's heading, page numbers."""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from pacte.audit import with_context
from pacte.operators import operator_for

PRINTED_FORMAT = r"j F Y à H \h i"  # « 14 mars 2018 à 14 h 00 »


def render_pdf(request, template_name, context, *, filename):
    # Imported here: WeasyPrint needs Pango from the system, only when a PDF is asked for.
    from weasyprint import HTML

    printed_at = timezone.localtime()
    html = render_to_string(
        template_name,
        {
            "operator": operator_for(getattr(request, "user", None)),
            "printed_at": printed_at,
            "printed_label": "Imprimé le " + date_format(printed_at, PRINTED_FORMAT),
            **context,
        },
        request=request,
    )
    pdf = HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}.pdf"'
    return with_context(response, **context)  # what it shows, for pacte.audit.reads
