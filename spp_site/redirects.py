"""Old URLs keep working: when a public item's URL changes (a new slug, another year), the old
one answers 301 to the new one.

Models opt in with `track_url_changes(Model)`; the middleware only looks when a request would
otherwise end in 404, so normal pages cost nothing. Old URLs are recorded in the default language
(English, unprefixed) whatever the editor's admin language; an old German address (/de/…) goes to
the item's German address.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_save, pre_save
from django.http import HttpResponsePermanentRedirect
from django.utils import translation

from .models import OldUrl

_TRACKED: set[type] = set()


def track_url_changes(model):
    """Record the previous `get_absolute_url()` of `model` rows whenever it changes."""
    if model in _TRACKED:
        return model
    _TRACKED.add(model)
    pre_save.connect(_remember_url, sender=model, dispatch_uid=f"oldurl-pre-{model._meta.label}")
    post_save.connect(_record_url_change, sender=model, dispatch_uid=f"oldurl-post-{model._meta.label}")
    return model


def _remember_url(sender, instance, raw=False, **kwargs):
    instance._old_absolute_url = None
    if raw or instance.pk is None:
        return
    previous = sender._base_manager.filter(pk=instance.pk).first()
    if previous is not None:
        with translation.override(settings.LANGUAGE_CODE):
            instance._old_absolute_url = previous.get_absolute_url()


def _record_url_change(sender, instance, created, raw=False, **kwargs):
    old = getattr(instance, "_old_absolute_url", None)
    if raw or created or not old:
        return
    with translation.override(settings.LANGUAGE_CODE):
        new = instance.get_absolute_url()
    content_type = ContentType.objects.get_for_model(sender)
    # The item is at `new` again (for example a slug changed back): that path is live, not old.
    OldUrl.objects.filter(path=new).delete()
    if old != new:
        OldUrl.objects.update_or_create(
            path=old, defaults={"content_type": content_type, "object_id": instance.pk}
        )


def _candidate_paths(path: str) -> list[str]:
    """'/a/b/c/' -> ['/a/b/c/', '/a/b/', '/a/'] (longest first)."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[:n]) + "/" for n in range(len(parts), 0, -1)]


class OldUrlRedirectMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404 or request.method not in ("GET", "HEAD"):
            return response
        # The address without its language prefix (/de/news/… → /news/…): old URLs are recorded
        # once, in the default language; the redirect goes to the item in the request's language.
        path = request.path
        language = translation.get_language_from_path(request.path_info)
        if language and path.startswith(f"/{language}/"):
            path = path[len(language) + 1 :]
        candidates = _candidate_paths(path)
        if not candidates:
            return response
        for old in sorted(
            OldUrl.objects.filter(path__in=candidates).select_related("content_type"),
            key=lambda o: -len(o.path),
        ):
            target = old.target
            if target is None or not path.startswith(old.path):
                continue
            new = target.get_absolute_url() + path[len(old.path) :]
            if new == request.path:
                continue
            query = request.META.get("QUERY_STRING")
            return HttpResponsePermanentRedirect(new + (f"?{query}" if query else ""))
        return response
