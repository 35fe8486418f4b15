from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from spp_site.admin import PublishableAdmin, thumbnail

from .models import NewsItem


@admin.register(NewsItem)
class NewsItemAdmin(PublishableAdmin):
    list_display = [
        "cover",
        "title",
        "category",
        "visibility",
        "publish_at",
        "featured",
        "is_closed",
        "public_link",
    ]
    list_display_links = ["cover", "title"]
    list_filter = ["status", "category", "featured"]
    list_editable = ["featured"]
    list_select_related = ["author_person"]
    search_fields = ["title", "teaser", "body"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["author_person", "related_events", "related_projects"]
    fieldsets = [
        (None, {"fields": ["title", "slug", "category", "teaser", "body"]}),
        (_("Image"), {"fields": ["cover_image", "cover_alt"]}),
        (_("Publishing"), {"fields": ["status", "publish_at", "featured", "expires_on", "author_person"]}),
        (_("Related"), {"fields": ["related_events", "related_projects"]}),
    ]

    @admin.display(description=_("image"))
    def cover(self, obj):
        return thumbnail(obj.cover_image, alt="", size=60)

    @admin.display(description=_("closed"), boolean=True)
    def is_closed(self, obj):
        return obj.is_closed if obj.expires_on else None

    def save_model(self, request, obj, form, change):
        if not change and obj.author_user_id is None:
            obj.author_user = request.user
        super().save_model(request, obj, form, change)
