"""Open data, without login: mounted at /open-data/ (config/urls.py)."""

from django.urls import path

from . import views

app_name = "open_data"

urlpatterns = [
    path("", views.open_data_page, name="page"),
    path("data.csv", views.open_data_csv, name="csv"),
    path("data.json", views.open_data_json, name="json"),
]
