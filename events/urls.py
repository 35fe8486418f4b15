from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="list"),
    path("events/calendar.ics", views.calendar_feed, name="calendar"),
    path("events/calendar/<slug:kind>.ics", views.calendar_feed, name="calendar-kind"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="detail"),
    path("events/<slug:slug>/calendar.ics", views.event_ics, name="ics"),
    path("events/<slug:slug>/talks/<int:pk>/calendar.ics", views.talk_ics, name="talk-ics"),
    path("events/<slug:slug>/slides.zip", views.event_slides_zip, name="slides-zip"),
    path("slides/<slug:slug>/", views.SlideDeckDetailView.as_view(), name="deck-detail"),
    path("slides/<slug:slug>/download/", views.deck_download, name="deck-download"),
    # A speaker's own uploads: the link they were sent, then the page without the token in it.
    path("speakers/upload/", views.speaker_upload, name="speaker-upload"),
    path("speakers/upload/done/", views.speaker_upload_done, name="speaker-upload-done"),
    path("speakers/upload/<str:token>/", views.speaker_upload_start, name="speaker-upload-start"),
    path("slides/<slug:slug>/versions/<int:pk>/download/", views.version_download, name="version-download"),
]
