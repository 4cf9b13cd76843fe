from django.urls import path

from . import views

app_name = "ngo_aid"

urlpatterns = [
    path("", views.request_list, name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("<int:pk>/", views.request_detail, name="request_detail"),
    path("<int:pk>/edit/", views.request_edit, name="request_edit"),
    path("<int:pk>/withdraw/", views.request_withdraw, name="request_withdraw"),
    path("<int:pk>/submit/", views.request_submit, name="request_submit"),
    path("<int:pk>/approve/", views.request_approve, name="request_approve"),
    path("<int:pk>/reject/", views.request_reject, name="request_reject"),
    path("<int:pk>/return/", views.request_return, name="request_return"),
    path("<int:pk>/payments/", views.payment_add, name="payment_add"),
    path("<int:pk>/outcome/", views.outcome_add, name="outcome_add"),
    path("funds/<int:pk>/", views.fund_detail, name="fund_detail"),
    path("funds/<int:pk>/appointment/", views.operator_appointment, name="operator_appointment"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_export, name="report_export"),
]
