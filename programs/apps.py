from django.apps import AppConfig


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = "Program"

    def ready(self):
        from spp_site.redirects import track_url_changes

        from . import models

        for model in (models.ResearchPerspective, models.Project, models.Person, models.Call):
            track_url_changes(model)
