"""Images must have a description before they go public.

An image dropped, pasted or inserted into a Markdown field arrives with a placeholder as its alt
text ("Describe this image …", spp_site.models.ALT_TEXT_PLACEHOLDER). Drafts may keep it while the
editor works; an item that is published or scheduled, or a part that goes public with it (an
agenda item's abstract with its event, a call's FAQ answers), or content that has no draft state
at all (people, projects, research perspectives), may not show an image whose alt text is the
placeholder or empty. This module is the one check: the admin's forms (`AltTextFormMixin`, mixed
in by spp_site.admin for every content form and inline), the "Publish now" action and the
dashboard's list of drafts all call it. Images are found in the rendered text
(`spp_site.markdown.rendered_images`), so the check sees exactly the images the page shows.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.utils import translation
from django.utils.translation import gettext, ngettext

from .markdown import markdown_fields, rendered_images
from .publishing import Publishable


@dataclass(frozen=True)
class MissingDescription:
    field: str
    src: str
    line: int | None  # 1-based line of the field's text the image is on, if found
    placeholder: bool  # alt text is the placeholder (else: empty)

    def message(self) -> str:
        if self.line is None:
            image = gettext("the image %(src)s") % {"src": self.src}
        else:
            image = gettext("the image %(src)s on line %(line)d") % {"src": self.src, "line": self.line}
        if self.placeholder:
            return gettext(
                "Describe %(image)s: its text in square brackets is still the placeholder. Write what "
                "the image shows, for people who cannot see it. (A draft may keep the placeholder.)"
            ) % {"image": image}
        return gettext(
            "Describe %(image)s: its square brackets are empty. Write what the image shows between "
            "them, for people who cannot see it. (A draft may leave them empty.)"
        ) % {"image": image}


def _normal(alt: str) -> str:
    return " ".join(alt.split()).casefold()


@lru_cache(maxsize=1)
def _placeholders() -> frozenset[str]:
    """The placeholder in every language of the site, as the renderer shows it in an alt text
    (an editor gets it in their admin language)."""
    from .models import ALT_TEXT_PLACEHOLDER

    found = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            text = f"![{ALT_TEXT_PLACEHOLDER}]({settings.MEDIA_URL}placeholder.png)"
        found.update(_normal(alt) for _src, alt in rendered_images(text))
    return frozenset(found)


def _line_of(text: str, src: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if src and src in line:
            return number
    return None


def missing_descriptions(text: str | None, field: str = "") -> list[MissingDescription]:
    """The images of a Markdown text whose alt text is empty or still the placeholder."""
    if not text or ("![" not in text and "<img" not in text.lower()):
        return []  # no image can be in it: skip rendering
    placeholders = _placeholders()
    found = []
    for src, alt in rendered_images(text):
        alt = _normal(alt)
        if not alt or alt in placeholders:
            found.append(MissingDescription(field, src, _line_of(text, src), placeholder=bool(alt)))
    return found


def _owner(instance):
    """The publishable item `instance` belongs to and goes public with (an agenda item's event),
    or None."""
    for field in instance._meta.concrete_fields:
        if field.many_to_one and issubclass(field.related_model, Publishable):
            try:
                return getattr(instance, field.name)
            except ObjectDoesNotExist:
                return None
    return None


def goes_public(instance) -> bool:
    """Whether `instance`, as it would be saved, is or becomes visible to visitors: a published or
    scheduled item, a part of one, or content without a draft state."""
    if isinstance(instance, Publishable):
        return instance.status in instance.PUBLIC_STATUSES
    owner = _owner(instance)
    if owner is not None:
        return goes_public(owner)
    return True


def field_problems(instance, fields=None) -> list[MissingDescription]:
    """Images without a description in the Markdown fields of `instance` (all of them, or those
    named in `fields`), whatever its status."""
    names = [name for name in markdown_fields(type(instance)) if fields is None or name in fields]
    return [problem for name in names for problem in missing_descriptions(getattr(instance, name), name)]


def _parts(instance):
    """The rows that go public with `instance` and have Markdown (agenda items, FAQ answers)."""
    if instance.pk is None:
        return
    for relation in instance._meta.related_objects:
        model = relation.related_model
        if relation.one_to_many and markdown_fields(model) and not issubclass(model, Publishable):
            yield from getattr(instance, relation.get_accessor_name()).all()


def item_problems(instance) -> list[tuple[object, MissingDescription]]:
    """(row, problem) for `instance` and the saved parts that go public with it."""
    rows = [instance, *_parts(instance)]
    return [(row, problem) for row in rows for problem in field_problems(row)]


def validate_alt_text(instance, fields=None) -> None:
    """Refuse images without a description in an item that goes public: a ValidationError with one
    message per image, on the field it is in."""
    if not goes_public(instance):
        return
    errors = {}
    for problem in field_problems(instance, fields):
        errors.setdefault(problem.field, []).append(ValidationError(problem.message(), code="alt_text"))
    if errors:
        raise ValidationError(errors)


def summary(count: int) -> str:
    return ngettext(
        "%(count)d image without a description", "%(count)d images without a description", count
    ) % {"count": count}


class AltTextFormMixin:
    """For model forms: after the model's own checks, refuse images without a description in the
    form's Markdown fields when the item goes public. An inline's item reads its parent's status as
    posted in the same request (the admin validates the parent's form first)."""

    def _post_clean(self):
        super()._post_clean()
        try:
            validate_alt_text(self.instance, fields=set(self.fields))
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                if field in self.fields and field not in self.errors:
                    self.add_error(field, errors)


def with_alt_text_check(form_class):
    if issubclass(form_class, AltTextFormMixin):
        return form_class
    return type(form_class.__name__, (AltTextFormMixin, form_class), {})
