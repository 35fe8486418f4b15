"""Placeholder until merge: the speaker's pages are agent A's (issue 17). Only the URL names of the
shared contract, so the admin can make links; every one answers 404 here."""

from django.http import Http404
from django.urls import path


def _placeholder(request, token=None):
    raise Http404


urlpatterns = [
    path("speakers/upload/<str:token>/", _placeholder, name="speaker-upload-start"),
    path("speakers/upload/", _placeholder, name="speaker-upload"),
    path("speakers/upload/done/", _placeholder, name="speaker-upload-done"),
]
