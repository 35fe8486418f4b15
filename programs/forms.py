from django import forms
from django.utils.translation import gettext_lazy as _

from .models import FundingPhase, Institution, ResearchPerspective


class FilterForm(forms.Form):
    """A list's filters: plain GET parameters, so a filtered list is a bookmarkable URL."""

    def filters(self):
        """The valid filters (an unknown value is ignored rather than an error)."""
        self.is_valid()  # fills cleaned_data with the fields that are valid
        return {name: value for name, value in self.cleaned_data.items() if value}


class ProjectFilterForm(FilterForm):
    perspective = forms.ModelChoiceField(
        ResearchPerspective.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Perspective"),
        empty_label=_("All perspectives"),
    )
    phase = forms.ModelChoiceField(
        FundingPhase.objects.all(),
        to_field_name="number",
        required=False,
        label=_("Phase"),
        empty_label=_("All phases"),
    )
    institution = forms.ModelChoiceField(
        Institution.objects.with_projects().order_by("name"),
        to_field_name="slug",
        required=False,
        label=_("Institution"),
        empty_label=_("All institutions"),
    )


class PersonFilterForm(FilterForm):
    perspective = forms.ModelChoiceField(
        ResearchPerspective.objects.all(),
        to_field_name="slug",
        required=False,
        label=_("Perspective"),
        empty_label=_("All perspectives"),
    )
    institution = forms.ModelChoiceField(
        Institution.objects.filter(people__isnull=False).distinct().order_by("name"),
        to_field_name="slug",
        required=False,
        label=_("Institution"),
        empty_label=_("All institutions"),
    )
