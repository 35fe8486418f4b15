from django.urls import include, path

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
    path("slides/<slug:slug>/versions/<int:pk>/download/", views.version_download, name="version-download"),
    path("", include("events.urls_placeholder")),  # placeholder until merge
]
