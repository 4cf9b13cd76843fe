from django.urls import path

from . import views

app_name = "territories"

urlpatterns = [
    path("territories/", views.tree, name="tree"),
    path("territories/subjects/<str:code>/", views.subject_detail, name="subject_detail"),
    path(
        "territories/subjects/<str:code>/municipalities/",
        views.subject_municipalities,
        name="subject_municipalities",
    ),
    path("territories/municipalities/<int:pk>/", views.municipality_detail, name="municipality_detail"),
    path("organizations/", views.organization_list, name="organization_list"),
    path("organizations/new/", views.organization_create, name="organization_create"),
    path("organizations/municipality-options/", views.municipality_options, name="municipality_options"),
    path("organizations/<int:pk>/", views.organization_detail, name="organization_detail"),
    path("organizations/<int:pk>/edit/", views.organization_update, name="organization_update"),
]
