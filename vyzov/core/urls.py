from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/export.xlsx", views.audit_export, name="audit_export"),
    path("health/", views.health, name="health"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
]
