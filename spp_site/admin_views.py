"""The endpoints behind django-markdownx's editor: live preview and image upload. Both are for
staff only (markdownx's own views are open to anybody) and use the site's shared pieces: the one
Markdown renderer and the one image pipeline. And the staff member's own admin language."""

import re
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import redirect
from django.templatetags.static import static
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView

from .auth_views import AdminPageMixin
from .i18n import chosen_language
from .images import process_image, store_processed_image
from .markdown import render_markdown, render_preview
from .models import EditorProfile, MarkdownImage

MARKDOWN_IMAGE_DIR = "markdown"
MARKDOWN_IMAGE_MAX_DIMENSION = 1600


@require_POST
@staff_member_required
def markdown_preview(request):
    if "content" not in request.POST:
        return HttpResponseBadRequest(_("Missing 'content'."))
    return HttpResponse(render_preview(request.POST["content"]))


@require_POST
@staff_member_required
def markdown_image_upload(request):
    if not request.user.has_perm("spp_site.add_markdownimage"):
        raise PermissionDenied
    upload = request.FILES.get("image")
    if upload is None:
        return JsonResponse({"error": _("No image was received.")}, status=400)
    try:
        processed = process_image(upload, max_dimension=MARKDOWN_IMAGE_MAX_DIMENSION)
    except ValidationError as exc:
        return JsonResponse({"error": " ".join(exc.messages)}, status=400)
    name = store_processed_image(processed, MARKDOWN_IMAGE_DIR)
    image = MarkdownImage.objects.create(
        image=name, original_filename=PurePath(upload.name or "").name[:255], uploaded_by=request.user
    )
    return JsonResponse({"image_code": image.markdown})


class EditorLanguageForm(forms.ModelForm):
    class Meta:
        model = EditorProfile
        fields = ["language"]
        widgets = {"language": forms.RadioSelect}


class EditorLanguageView(AdminPageMixin, FormView):
    """The staff member's own admin language (linked as "Language / Sprache" in the user links):
    saved in their EditorProfile, read by spp_site.i18n.AdminLanguageMiddleware."""

    template_name = "admin/editor_language.html"
    title = gettext_lazy("Admin language")
    form_class = EditorLanguageForm

    def get_form_kwargs(self):
        profile = EditorProfile.objects.filter(user=self.request.user).first()
        return {**super().get_form_kwargs(), "instance": profile or EditorProfile(user=self.request.user)}

    def form_valid(self, form):
        profile = form.save()
        # The message in the language just chosen, which the next page is shown in.
        with translation.override(profile.language or chosen_language(self.request)):
            messages.success(self.request, str(_("The admin language is saved.")))
        return redirect("admin:language")


GUIDE = settings.BASE_DIR / "docs" / "editors.md"
# The guide's screenshots, written by tests/browser/test_editors_guide.py; the Markdown links them
# relative to docs/ (so they also show where the file is read on its own) and this page from static.
_GUIDE_IMAGE = re.compile(r"\]\(\.\./static/(docs/[\w.-]+\.png)\)")


def guide_html() -> str:
    text = GUIDE.read_text(encoding="utf-8")
    text = _GUIDE_IMAGE.sub(lambda m: f"]({static(m.group(1))})", text)
    return render_markdown(text)


class EditorsGuideView(AdminPageMixin, TemplateView):
    """docs/editors.md, for every staff member, linked from the dashboard."""

    template_name = "admin/editors_guide.html"
    title = gettext_lazy("Editor’s guide")

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "guide": guide_html()}
