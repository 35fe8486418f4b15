from django.conf import settings
from django.db.models import Q
from django.utils.translation import pgettext_lazy

from .models import Page, Partner, SiteSettings
from .pagecache import cached_until_change

MAIN_MENU = [
    ("site:home", pgettext_lazy("main menu", "Home")),
    ("programs:perspective-list", pgettext_lazy("main menu", "Research")),
    ("programs:project-list", pgettext_lazy("main menu", "Projects")),
    ("programs:person-list", pgettext_lazy("main menu", "People")),
    ("events:list", pgettext_lazy("main menu", "Events")),
    ("news:list", pgettext_lazy("main menu", "News")),
    ("programs:apply", pgettext_lazy("main menu", "Apply")),
]


def site(request):
    """Site settings, menus, footer links and partners for base.html: read from the database once
    after each change (three small queries), from the cache otherwise."""
    return {
        **cached_until_change("site-chrome", _site_chrome),
        "main_menu": MAIN_MENU,
        "debug": settings.DEBUG,
    }


def _site_chrome():
    pages = list(Page.objects.published().filter(Q(show_in_menu=True) | Q(show_in_footer=True)))
    return {
        "site_settings": SiteSettings.load(),
        "menu_pages": [p for p in pages if p.show_in_menu],
        "footer_pages": [p for p in pages if p.show_in_footer],
        "partners": list(Partner.objects.all()),
    }
