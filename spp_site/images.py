"""The one image pipeline: every uploaded picture (photos, cover images, logos, pictures pasted
into Markdown) is validated and re-encoded here.

- Validation: the bytes must decode as JPEG, PNG, WebP or GIF (Pillow decides, not the file name or
  the browser's content type); the file size and the pixel count are capped (decompression bombs).
- Processing: orientation applied from EXIF, then every metadata block (EXIF, GPS, XMP, ICC comments)
  dropped by re-encoding only the pixels; downscaled to a maximum edge; stored as WebP under a name
  made from the content hash and the pixel size (`<hash>-<w>x<h>.webp`), never the uploaded name.
  Re-encoding also discards anything appended to an image (HTML/JS polyglots).
- Renditions: narrower copies for `srcset`, named `<stem>.w<width>.webp` beside the original, so
  templates can list them from the name alone without asking the storage.
"""

import hashlib
import io
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF", "MPO": "JPEG"}
RENDITION_WIDTHS = (320, 640, 960, 1280, 1920)
DEFAULT_MAX_DIMENSION = 2400
WEBP_QUALITY = 82
# Link previews (Open Graph) and structured data show the site logo this wide at least: a
# rendition, not the upload.
SHARED_LOGO_WIDTH = 600

_SIZE_IN_NAME = re.compile(r"-(\d{1,5})x(\d{1,5})\.webp$")
_RENDITION = re.compile(r"^(?P<stem>.+-\d{1,5}x\d{1,5})\.w\d{1,5}\.webp$")


def _allowed_formats_text() -> str:
    return ", ".join(sorted(set(ALLOWED_FORMATS.values())))


def validate_image_file(file) -> None:
    """Raise ValidationError with a message an editor understands unless `file` is a usable image."""
    max_size = settings.IMAGE_MAX_UPLOAD_SIZE
    if file.size is not None and file.size > max_size:
        raise ValidationError(
            _("This image is %(size)s; the limit is %(limit)s. Please upload a smaller file."),
            code="file_too_large",
            params={"size": filesizeformat(file.size), "limit": filesizeformat(max_size)},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with Image.open(file) as img:
            fmt = img.format
            width, height = img.size
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("This is a %(fmt)s image; please upload one of: %(allowed)s."),
                    code="invalid_image_format",
                    params={"fmt": fmt, "allowed": _allowed_formats_text()},
                )
            if width * height > settings.IMAGE_MAX_PIXELS:
                raise ValidationError(
                    _("This image has %(w)s × %(h)s pixels, more than the %(limit)s million allowed."),
                    code="image_too_many_pixels",
                    params={"w": width, "h": height, "limit": settings.IMAGE_MAX_PIXELS // 1_000_000},
                )
            img.verify()
        file.seek(0)
        with Image.open(file) as img:
            img.load()  # verify() does not decode the pixels; a truncated file fails only here
    except ValidationError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise ValidationError(
            _(
                "The file is not an image that can be read (allowed: %(allowed)s). It may be damaged or of "
                "another type."
            ),
            code="invalid_image",
            params={"allowed": _allowed_formats_text()},
        ) from exc
    finally:
        file.seek(position)


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    width: int
    height: int
    sha256: str
    image: Image.Image

    def name(self, directory: str) -> str:
        return f"{directory.rstrip('/')}/{self.sha256[:24]}-{self.width}x{self.height}.webp"


def _to_webp(img: Image.Image) -> bytes:
    out = io.BytesIO()
    # Only pixels are written: no exif=, no icc_profile=, no xmp= — so no metadata survives.
    img.save(out, format="WEBP", quality=WEBP_QUALITY, method=4)
    return out.getvalue()


def process_image(file, max_dimension: int = DEFAULT_MAX_DIMENSION) -> ProcessedImage:
    validate_image_file(file)
    file.seek(0)
    try:
        with Image.open(file) as original:
            original.load()
            img = ImageOps.exif_transpose(original)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError(
            _("The image could not be read; it may be damaged."), code="invalid_image"
        ) from exc
    return process_pil_image(img, max_dimension)


def process_pil_image(img: Image.Image, max_dimension: int = DEFAULT_MAX_DIMENSION) -> ProcessedImage:
    """Re-encode pixels already in memory (a rendered PDF page, a generated demo picture)."""
    img = (
        img.convert("RGBA")
        if img.mode in ("RGBA", "LA", "P", "PA") and _has_alpha(img)
        else img.convert("RGB")
    )
    img.thumbnail((max_dimension, max_dimension), Image.Resampling.LANCZOS)
    content = _to_webp(img)
    return ProcessedImage(
        content=content,
        width=img.width,
        height=img.height,
        sha256=hashlib.sha256(content).hexdigest(),
        image=img,
    )


def _has_alpha(img: Image.Image) -> bool:
    if img.mode == "P":
        return "transparency" in img.info
    return True


def store_processed_image(processed: ProcessedImage, directory: str, storage=None) -> str:
    """Save the image and its renditions (unless an identical one is stored already); return its name."""
    storage = storage or default_storage
    name = processed.name(directory)
    if not storage.exists(name):
        name = storage.save(name, ContentFile(processed.content))
    for width in rendition_widths(processed.width):
        rendition = rendition_name(name, width)
        if storage.exists(rendition):
            continue
        copy = processed.image.copy()
        copy.thumbnail(
            (width, round(processed.height * width / processed.width) or 1), Image.Resampling.LANCZOS
        )
        storage.save(rendition, ContentFile(_to_webp(copy)))
    return name


def image_size(name: str) -> tuple[int, int] | None:
    """(width, height) of a processed image, read from its name."""
    match = _SIZE_IN_NAME.search(name or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def rendition_widths(width: int) -> list[int]:
    return [w for w in RENDITION_WIDTHS if w < width]


def rendition_name(name: str, width: int) -> str:
    stem = name[: -len(".webp")] if name.endswith(".webp") else name
    return f"{stem}.w{width}.webp"


@dataclass(frozen=True)
class Rendition:
    name: str
    width: int | None
    height: int | None


def rendition_at_least(name: str, min_width: int) -> Rendition:
    """The smallest stored copy of a processed image that is at least `min_width` pixels wide (the
    original when no rendition is): for link previews and structured data, which want one address."""
    size = image_size(name)
    if size is None:
        return Rendition(name, None, None)
    width, height = size
    for candidate in rendition_widths(width):
        if candidate >= min_width:
            return Rendition(
                rendition_name(name, candidate), candidate, max(1, round(height * candidate / width))
            )
    return Rendition(name, width, height)


def rendition_names(name: str) -> list[str]:
    """The renditions stored beside a processed image (none for other files)."""
    size = image_size(name)
    return [rendition_name(name, width) for width in rendition_widths(size[0])] if size else []


def original_name(name: str) -> str:
    """The processed image a rendition belongs to (`<stem>.w<width>.webp` -> `<stem>.webp`);
    any other name is its own original."""
    match = _RENDITION.match(name)
    return f"{match.group('stem')}.webp" if match else name


class ProcessedImageField(models.ImageField):
    """An ImageField whose uploads go through `process_image` before they are stored."""

    def __init__(self, *args, max_dimension=DEFAULT_MAX_DIMENSION, **kwargs):
        self.max_dimension = max_dimension
        kwargs.setdefault("max_length", 200)
        super().__init__(*args, **kwargs)
        self.validators.append(validate_image_file)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.max_dimension != DEFAULT_MAX_DIMENSION:
            kwargs["max_dimension"] = self.max_dimension
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        file = getattr(model_instance, self.attname)
        if file and not file._committed:
            directory = self.upload_to if isinstance(self.upload_to, str) else "images"
            processed = process_image(file.file, self.max_dimension)
            file.name = store_processed_image(processed, directory, file.storage)
            file._committed = True
            file._file = None
        return file
