"""The endpoints behind django-markdownx's editor: live preview and image upload. Both are for
staff only (markdownx's own views are open to anybody) and use the site's shared pieces: the one
Markdown renderer and the one image pipeline."""

from pathlib import PurePath

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .images import process_image, store_processed_image
from .markdown import render_preview
from .models import MarkdownImage

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
