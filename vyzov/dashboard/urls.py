from django.urls import path  # noqa: F401 — routes are added by the dashboard's features

app_name = "dashboard"

urlpatterns: list = []
