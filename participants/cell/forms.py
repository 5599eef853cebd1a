from django import forms
from django.utils.translation import gettext_lazy as _

from pacte.bounds import TEXT_MAX, BoundedDateField
from pacte.models import User
from pacte.roles import Role
from participants.forms import date_widget
from participants.models import CellMeeting, PlanActionCategory


class MeetingForm(forms.ModelForm):
    class Meta:
        model = CellMeeting
        fields = ["held_on", "starts_at", "place", "attendees", "other_attendees"]
        widgets = {
            "held_on": date_widget(),
            "starts_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "attendees": forms.CheckboxSelectMultiple,
        }
        help_texts = {"attendees": _("Les personnes de la coordination et les conseillers.")}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = (
            User.objects.filter(
                is_active=True,
                structure__territory_id=user.territory_id,
                role__in=[Role.COORDINATOR, Role.PILOT, Role.COUNSELLOR],
            )
            .exclude(pk=user.pk)
            .select_related("structure")
            .order_by("last_name", "first_name")
        )
        self.fields["attendees"].label_from_instance = lambda person: (
            f"{person.get_full_name() or person.username} — {person.structure.name}"
        )


class DecisionForm(forms.Form):
    decision = forms.CharField(
        label=_("Décision"),
        max_length=TEXT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Lue par les conseillers qui suivent le jeune : "
            "n’y écrivez rien de la mesure de justice."
        ),
    )
    task_title = forms.CharField(
        label=_("Tâche pour le référent"),
        max_length=250,
        required=False,
        help_text=_(
            "Facultatif : ce que le référent doit faire, par exemple « Appeler l’employeur »."
        ),
    )
    task_due_on = BoundedDateField(
        label=_("Échéance de la tâche"), required=False, widget=date_widget()
    )
    action_category = forms.ChoiceField(
        label=_("Action du parcours : domaine"),
        choices=[("", "---------"), *PlanActionCategory.choices],
        required=False,
    )
    action_description = forms.CharField(
        label=_("Action du parcours"),
        max_length=250,
        required=False,
        help_text=_("Facultatif : une étape ajoutée au parcours du jeune."),
    )
    action_due_on = BoundedDateField(
        label=_("Échéance de l’action"), required=False, widget=date_widget()
    )

    def __init__(self, *args, item, **kwargs):
        super().__init__(*args, **kwargs)
        # A task or a step already created is not created again.
        if item.task_id:
            del self.fields["task_title"], self.fields["task_due_on"]
        if item.plan_action_id:
            del self.fields["action_category"]
            del self.fields["action_description"], self.fields["action_due_on"]


class AgendaSearchForm(forms.Form):
    q = forms.CharField(label=_("Nom ou prénom"), max_length=100)
