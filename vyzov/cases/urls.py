from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("children/", views.child_list, name="child_list"),
    path("children/export/", views.child_export, name="child_export"),
    path("children/new/", views.child_create, name="child_create"),
    path("children/duplicates/", views.duplicate_list, name="duplicate_list"),
    path("children/merge/", views.child_merge, name="child_merge"),
    path(
        "children/cross-region-duplicates/",
        views.cross_region_duplicate_list,
        name="cross_region_duplicate_list",
    ),
    path(
        "children/cross-region-duplicates/<int:pk>/resolve/",
        views.cross_region_duplicate_resolve,
        name="cross_region_duplicate_resolve",
    ),
    path("children/<int:pk>/", views.child_detail, name="child_detail"),
    path("children/<int:pk>/edit/", views.child_update, name="child_update"),
    path("children/<int:pk>/placements/new/", views.placement_create, name="placement_create"),
    path("children/<int:pk>/route/", views.route_change, name="route_change"),
    path("placements/<int:pk>/close/", views.placement_close, name="placement_close"),
    path("families/", views.family_list, name="family_list"),
    path("families/new/", views.family_create, name="family_create"),
    path("families/<int:pk>/", views.family_detail, name="family_detail"),
    path("families/<int:pk>/edit/", views.family_update, name="family_update"),
    path("families/<int:pk>/members/", views.family_member_add, name="family_member_add"),
    path("families/<int:pk>/statuses/", views.family_status_add, name="family_status_add"),
    path("family-members/<int:pk>/delete/", views.family_member_remove, name="family_member_remove"),
    path("family-statuses/<int:pk>/close/", views.family_status_close, name="family_status_close"),
    path("import/", views.import_upload, name="import_upload"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/errors.xlsx", views.import_report, name="import_report"),
    path("import/<int:pk>/accept-valid/", views.import_accept_valid, name="import_accept_valid"),
]
