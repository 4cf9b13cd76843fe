from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.home, name="home"),
    path("cases/", views.case_list, name="case_list"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/assessment/", views.assessment_add, name="assessment_add"),
    path("cases/<int:pk>/steps/", views.step_add, name="step_add"),
    path("cases/<int:pk>/contacts/", views.contact_add, name="contact_add"),
    path("cases/<int:pk>/review/", views.review_set, name="review_set"),
    path("cases/<int:pk>/transfer/", views.case_transfer, name="case_transfer"),
    path("cases/<int:pk>/close/", views.case_close, name="case_close"),
    path("cases/<int:pk>/reopen/", views.case_reopen, name="case_reopen"),
    path("cases/<int:pk>/children/", views.child_outcomes_record, name="child_outcomes_record"),
    path("steps/<int:pk>/done/", views.step_done, name="step_done"),
    path("services/<int:pk>/", views.service_detail, name="service_detail"),
    path("services/<int:pk>/structure/", views.service_structure_set, name="service_structure_set"),
    path("services/<int:pk>/specialists/", views.specialist_add, name="specialist_add"),
    path("specialists/<int:pk>/", views.specialist_edit, name="specialist_edit"),
    path("services/<int:service_pk>/cases/new/", views.case_open, name="case_open"),
    path("specialists/<int:pk>/caseload/", views.caseload, name="caseload"),
    path("clubs/", views.clubs, name="clubs"),
    path("clubs/<int:pk>/", views.club_detail, name="club_detail"),
    path("clubs/<int:pk>/leader/", views.club_leader_set, name="club_leader_set"),
    path("library/", views.library, name="library"),
    path("library/upload/", views.library_upload, name="library_upload"),
    path("library/<int:pk>/download/", views.library_download, name="library_download"),
    path("report/", views.report, name="report"),
    path("report.xlsx", views.report_export, name="report_export"),
]
