from django.urls import path

from . import views

app_name = "programs"

urlpatterns = [
    path("research/", views.PerspectiveListView.as_view(), name="perspective-list"),
    path("research/<slug:slug>/", views.PerspectiveDetailView.as_view(), name="perspective-detail"),
    path("projects/", views.ProjectListView.as_view(), name="project-list"),
    # Before the projects' own addresses: "table" and "csv" are not project slugs.
    path("projects/table/", views.ProjectTableView.as_view(), name="project-table"),
    path("projects/csv/", views.ProjectCSVView.as_view(), name="project-csv"),
    path("projects/<slug:slug>/", views.ProjectDetailView.as_view(), name="project-detail"),
    path("people/", views.PersonListView.as_view(), name="person-list"),
    path("people/<slug:slug>/", views.PersonDetailView.as_view(), name="person-detail"),
    path("apply/", views.ApplyView.as_view(), name="apply"),
    path("apply/<slug:slug>/", views.CallDetailView.as_view(), name="call-detail"),
]
