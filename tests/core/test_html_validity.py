import pytest

from tests.quality import GERMAN_PAGE_TYPES, PAGE_TYPES, nu_errors

pytestmark = pytest.mark.django_db


def test_every_page_type_is_valid_html(demo_site, client, tmp_path):
    documents = {}
    for name, url in {**PAGE_TYPES, **GERMAN_PAGE_TYPES}.items():
        response = client.get(url)
        assert response.status_code == (404 if "404" in name else 200), name
        documents[name] = response.content.decode()
    assert nu_errors(documents, tmp_path) == []


def test_the_checker_catches_invalid_html(tmp_path):
    bad = '<!doctype html><html lang="en"><head><title>x</title></head><body><p><time datetime="2024-01-01T10:00:00.123456+00:00">x</time><div></p></body></html>'
    errors = nu_errors({"bad": bad}, tmp_path)
    assert any("datetime" in e for e in errors)
    assert len(errors) >= 2
