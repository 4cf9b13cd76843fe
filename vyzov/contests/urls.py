from django.urls import path

from . import views, views_organisation

app_name = "contests"

urlpatterns = [
    path("", views.contest_list, name="contest_list"),
    path("<int:pk>/", views.contest_detail, name="contest_detail"),
    path("<int:pk>/advance/", views.contest_advance, name="contest_advance"),
    path("<int:pk>/applications/", views.application_list, name="application_list"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<int:pk>/report/", views.report, name="report"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/score/", views.score, name="score"),
    path("files/<int:pk>/", views.file_download, name="file_download"),
    path("awards/<int:pk>/diploma.docx", views.diploma, name="diploma"),
    path("verify/<str:code>/", views.verify, name="verify"),
]

# Organisation of a contest (views_organisation): organisers, commission, regulation, events, analysis.
urlpatterns += [
    path("<int:pk>/organisation/", views_organisation.organisation, name="organisation"),
    path("<int:pk>/organisation/add/", views_organisation.organisation_add, name="organisation_add"),
    path("<int:pk>/commission/add/", views_organisation.member_add, name="member_add"),
    path("<int:pk>/commission/decision/", views_organisation.decision_record, name="decision_record"),
    path("<int:pk>/regulation/", views_organisation.regulation_upload, name="regulation_upload"),
    path("<int:pk>/events/add/", views_organisation.event_add, name="event_add"),
    path("<int:pk>/report/sections/add/", views_organisation.section_add, name="section_add"),
    path("regulations/<int:pk>/", views_organisation.regulation_download, name="regulation_download"),
]
