from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Program")

    def ready(self):
        from spp_site.redirects import track_url_changes

        from . import models

        for model in (models.ResearchPerspective, models.Project, models.Person, models.Call):
            track_url_changes(model)
