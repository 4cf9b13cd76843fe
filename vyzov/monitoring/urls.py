from django.urls import path

from . import views

app_name = "monitoring"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("ranking/", views.ranking, name="ranking"),
    path("ranking.xlsx", views.ranking_export, name="ranking_export"),
    path("priority/", views.priority, name="priority"),
    path("completeness/", views.completeness_table, name="completeness"),
    path("explore/", views.explore, name="explore"),
    path("explore.xlsx", views.explore_export, name="explore_export"),
    path("regions/<str:code>/", views.region, name="region"),
    path("regions/<str:code>/summary.docx", views.region_summary, name="region_summary"),
    path("regions/<str:code>/reports/<str:as_of>/", views.report_edit, name="report_edit"),
    path(
        "regions/<str:code>/reports/<str:as_of>/<slug:data_set>/",
        views.report_edit,
        name="report_edit_data_set",
    ),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/from-register/", views.report_from_register, name="report_from_register"),
    path("reports/<int:pk>/history/", views.report_history, name="report_history"),
    path("reports/<int:pk>/correct/", views.report_correct, name="report_correct"),
    path(
        "reports/<int:pk>/municipalities/<int:municipality_id>/approve/",
        views.municipality_approve,
        name="municipality_approve",
    ),
    path("municipal-approvals/", views.municipal_approvals, name="municipal_approvals"),
    path("setup/", views.setup, name="setup"),
    path("setup/indicators/new/", views.indicator_edit, name="indicator_create"),
    path("setup/indicators/<slug:code>/", views.indicator_edit, name="indicator_edit"),
    path("setup/data-sets/new/", views.data_set_edit, name="data_set_create"),
    path("setup/data-sets/<slug:code>/", views.data_set_edit, name="data_set_edit"),
    path("setup/rules/new/", views.rule_edit, name="rule_create"),
    path("setup/rules/<slug:code>/", views.rule_edit, name="rule_edit"),
    path("setup/ranges/", views.outlier_ranges, name="outlier_ranges"),
    path("analysis/", views.analysis, name="analysis"),
    path("outliers/", views.outliers, name="outliers"),
    path("outliers/<int:pk>/review/", views.outlier_review, name="outlier_review"),
    path("import/", views.figure_import, name="figure_import"),
    path("import/<int:pk>/", views.figure_import_detail, name="figure_import_detail"),
    path("import/<int:pk>/errors.xlsx", views.figure_import_report, name="figure_import_report"),
    path("import/template.xlsx", views.figure_import_template, name="figure_import_template"),
]
