from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("research/", views.PerspectiveListView.as_view(), name="perspective-list"),
    path("research/<slug:slug>/", views.PerspectiveDetailView.as_view(), name="perspective-detail"),
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    path("projects/<slug:slug>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("apply/<slug:slug>/", views.CallDetailView.as_view(), name="call-detail"),
]
