import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/news/0000/", "/news/0001/", "/news/0999/x/"])
def test_impossible_years_are_404(client, url):
    assert client.get(url).status_code == 404
