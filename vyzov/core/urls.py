from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "core"

urlpatterns = [
    # The home page lives in the dashboard (config/urls.py routes "/" there first); the old name is
    # kept so that `{% url 'core:home' %}` and LOGIN_REDIRECT_URL keep working.
    path("", RedirectView.as_view(pattern_name="dashboard:home"), name="home"),
    path("exports/<int:pk>/", views.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("health/", views.health, name="health"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", views.metrics, name="metrics"),
    path("pick/<slug:kind>/", views.pick, name="pick"),
]
