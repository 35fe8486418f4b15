import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from spp_site.roles import EDITOR, SITE_ADMINISTRATOR, sync_groups


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    """Every test writes uploads to its own temporary folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_ROOT.mkdir()
    return settings.MEDIA_ROOT


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


@pytest.fixture
def roles(db):
    """The editor groups (created by a data migration; transactional tests flush them)."""
    sync_groups()
    return Group.objects.get(name=EDITOR), Group.objects.get(name=SITE_ADMINISTRATOR)


def staff_member(username, password, group):
    user = get_user_model().objects.create_user(username, f"{username}@example.org", password, is_staff=True)
    user.groups.add(group)
    return user


@pytest.fixture
def editor(roles):
    return staff_member("editor", "editor-pass-123", roles[0])


@pytest.fixture
def site_admin(roles):
    return staff_member("siteadmin", "admin-pass-123", roles[1])


@pytest.fixture
def superuser(db):
    return get_user_model().objects.create_superuser("root", "root@example.org", "root-pass-123")
