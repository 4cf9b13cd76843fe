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
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report_submit"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report_accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report_return"),
    path("reports/<int:pk>/from-register/", views.report_from_register, name="report_from_register"),
    path("reports/<int:pk>/history/", views.report_history, name="report_history"),
    path("import/", views.figure_import, name="figure_import"),
    path("import/<int:pk>/", views.figure_import_detail, name="figure_import_detail"),
    path("import/<int:pk>/errors.xlsx", views.figure_import_report, name="figure_import_report"),
    path("import/template.xlsx", views.figure_import_template, name="figure_import_template"),
]
