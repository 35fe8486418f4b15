import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from spp_site.images import image_size, process_image, rendition_name, validate_image_file
from tests.conftest import files_in
from tests.programs.factories import PersonFactory

pytestmark = pytest.mark.django_db


def jpeg_with_gps(size=(1200, 800)):
    img = Image.new("RGB", size, (40, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "DemoCam"  # Make
    gps = {1: "N", 2: (48.0, 8.0, 30.0), 3: "E", 4: (11.0, 34.0, 48.0)}
    exif[0x8825] = gps  # GPSInfo IFD
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def test_fixture_really_carries_gps():
    with Image.open(io.BytesIO(jpeg_with_gps())) as img:
        assert img.getexif().get_ifd(0x8825)


def test_stored_photo_has_no_exif_or_gps(media_root):
    person = PersonFactory()
    person.photo = SimpleUploadedFile("photo.jpg", jpeg_with_gps(), content_type="image/jpeg")
    person.save()
    stored = media_root / person.photo.name
    assert stored.exists() and stored.suffix == ".webp"
    with Image.open(stored) as img:
        assert not img.getexif()
        assert "exif" not in img.info and "xmp" not in img.info
    assert b"DemoCam" not in stored.read_bytes()
    # stored under a content hash with its size, never under the uploaded name
    assert "photo" not in stored.name
    assert image_size(person.photo.name) == (1200, 800)  # max_dimension=1200 for people


def test_large_photos_are_resized_and_get_renditions(media_root):
    person = PersonFactory()
    person.photo = SimpleUploadedFile("big.jpg", jpeg_with_gps((3000, 1500)))
    person.save()
    width, height = image_size(person.photo.name)
    assert (width, height) == (1200, 600)
    for w in (320, 640, 960):
        assert (media_root / rendition_name(person.photo.name, w)).exists()


def test_non_image_renamed_jpg_is_refused_with_a_clear_message():
    with pytest.raises(ValidationError) as exc:
        validate_image_file(SimpleUploadedFile("photo.jpg", b"just some text, not an image"))
    assert "not an image" in exc.value.messages[0]


def test_svg_is_refused():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    with pytest.raises(ValidationError):
        validate_image_file(SimpleUploadedFile("x.svg", svg))


def test_polyglot_jpeg_loses_its_payload(media_root):
    payload = b"<html><script>alert(document.cookie)</script></html>"
    processed = process_image(SimpleUploadedFile("poly.jpg", jpeg_with_gps() + payload))
    assert payload not in processed.content
    assert processed.content[:4] == b"RIFF" and processed.content[8:12] == b"WEBP"


def test_decompression_bomb_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    out = io.BytesIO()
    Image.new("1", (2000, 2000)).save(out, format="PNG")
    with pytest.raises(ValidationError) as exc:
        validate_image_file(SimpleUploadedFile("bomb.png", out.getvalue()))
    assert "pixels" in exc.value.messages[0]


def test_size_cap(settings):
    settings.IMAGE_MAX_UPLOAD_SIZE = 100
    with pytest.raises(ValidationError) as exc:
        validate_image_file(SimpleUploadedFile("a.jpg", jpeg_with_gps()))
    assert "limit" in exc.value.messages[0]


def test_truncated_jpeg_is_refused():
    data = jpeg_with_gps()
    with pytest.raises(ValidationError):
        validate_image_file(SimpleUploadedFile("cut.jpg", data[: len(data) // 2]))


def test_refused_image_leaves_no_file(media_root):
    person = PersonFactory()
    person.photo = SimpleUploadedFile("photo.jpg", b"not an image")
    with pytest.raises(ValidationError):
        person.save()
    assert files_in(media_root) == []
