from django.urls import path

from . import views

app_name = "programmes"

urlpatterns = [
    path("", views.programme_list, name="programme_list"),
    path("<int:pk>/", views.programme_detail, name="programme_detail"),
    path("<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("<int:pk>/measures/", views.measure_add, name="measure_add"),
    path("<int:pk>/form/", views.programme_form_set, name="programme_form_set"),
    path("indicators/<int:pk>/actuals/", views.actual_add, name="actual_add"),
    path("measures/<int:pk>/status/", views.measure_status, name="measure_status"),
    path("measures/<int:pk>/evidence/", views.measure_evidence, name="measure_evidence"),
    path(
        "measures/<int:pk>/evidence/download/",
        views.measure_evidence_download,
        name="measure_evidence_download",
    ),
    path("regions/<str:code>/working-group/", views.working_group, name="working_group"),
    path(
        "regions/<str:code>/working-group/meetings/",
        views.working_group_meeting_add,
        name="working_group_meeting_add",
    ),
    path(
        "regions/<str:code>/working-group/members/",
        views.working_group_member_add,
        name="working_group_member_add",
    ),
    path(
        "regions/<str:code>/working-group/documents/",
        views.working_group_document_add,
        name="working_group_document_add",
    ),
    path(
        "working-group/documents/<int:pk>/status/",
        views.working_group_document_status,
        name="working_group_document_status",
    ),
    path(
        "working-group/documents/<int:pk>/file/",
        views.working_group_document_download,
        name="working_group_document_download",
    ),
    path("working-group/meetings/<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("working-group/meetings/<int:pk>/minutes.docx", views.meeting_minutes, name="meeting_minutes"),
    path("regions/<str:code>/curator/", views.curator, name="curator"),
    path("regions/<str:code>/curator/assign/", views.curator_assign, name="curator_assign"),
    path("regions/<str:code>/curator/reports/", views.curator_report_add, name="curator_report_add"),
    path("regions/<str:code>/curator/visits/", views.curator_visit_add, name="curator_visit_add"),
    path("regions/<str:code>/curator/receptions/", views.curator_reception_add, name="curator_reception_add"),
    path("regions/<str:code>/curator/control/", views.control_case_take, name="control_case_take"),
    path("curator-control/<int:pk>/close/", views.control_case_close, name="control_case_close"),
    path("curator-tasks/<int:pk>/", views.task_update, name="task_update"),
    path("regions/<str:code>/governance/", views.region_governance, name="region_governance"),
    path("regions/<str:code>/governance/publications/", views.publication_add, name="publication_add"),
    path(
        "regions/<str:code>/governance/sessions/", views.strategic_session_add, name="strategic_session_add"
    ),
    path("regions/<str:code>/governance/inspections/", views.inspection_add, name="inspection_add"),
    path("regions/<str:code>/governance/plans/", views.institution_plan_save, name="institution_plan_save"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
    path("passport/", views.passport_redirect, name="passport_redirect"),
    path("regions/<str:code>/passport/", views.passport, name="passport"),
    path("regions/<str:code>/passport.docx", views.passport_docx, name="passport_docx"),
]
