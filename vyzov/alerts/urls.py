from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("", views.alert_list, name="alert_list"),
    path("new/", views.alert_register, name="alert_register"),
    path("<int:pk>/", views.alert_detail, name="alert_detail"),
    path("<int:pk>/check/", views.check_assign, name="check_assign"),
    path("<int:pk>/outcome/", views.check_complete, name="check_complete"),
]
