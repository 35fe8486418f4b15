"""Pages and the site settings belong to the site, not to the program: they move to the spp_site
app. The tables are renamed, not copied, so every row (and its history) keeps its id; spp_site's
0003 migration takes the models over in Django's state and moves the content types, so
permissions, admin log entries and old-URL redirects follow."""

from django.db import migrations, models

import spp_site.identifiers

MOVED_TABLES = {
    "page": "spp_site_page",
    "historicalpage": "spp_site_historicalpage",
    "sitesettings": "spp_site_sitesettings",
    "historicalsitesettings": "spp_site_historicalsitesettings",
}


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.AlterModelTable(name=model, table=table) for model, table in MOVED_TABLES.items()
            ],
            state_operations=[
                migrations.RemoveField(model_name="historicalpage", name="history_user"),
                migrations.RemoveField(model_name="historicalsitesettings", name="coordinating_institution"),
                migrations.RemoveField(model_name="historicalsitesettings", name="history_user"),
                migrations.RemoveField(model_name="sitesettings", name="coordinating_institution"),
                migrations.DeleteModel(name="Page"),
                migrations.DeleteModel(name="HistoricalPage"),
                migrations.DeleteModel(name="HistoricalSiteSettings"),
                migrations.DeleteModel(name="SiteSettings"),
            ],
        ),
        migrations.AlterField(
            model_name="call",
            name="deadline",
            field=models.DateTimeField(
                help_text="Proposal deadline in the site's time zone, shown beside the field (e.g. 23:59 on the last day)."
            ),
        ),
        migrations.AlterField(
            model_name="historicalcall",
            name="deadline",
            field=models.DateTimeField(
                help_text="Proposal deadline in the site's time zone, shown beside the field (e.g. 23:59 on the last day)."
            ),
        ),
        migrations.AlterField(
            model_name="historicalperson",
            name="orcid",
            field=spp_site.identifiers.OrcidField(
                blank=True,
                help_text="16 characters, e.g. 0000-0002-1825-0097 (the orcid.org URL is accepted too).",
                verbose_name="ORCID iD",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="orcid",
            field=spp_site.identifiers.OrcidField(
                blank=True,
                help_text="16 characters, e.g. 0000-0002-1825-0097 (the orcid.org URL is accepted too).",
                verbose_name="ORCID iD",
            ),
        ),
    ]
