from django.urls import path

from . import views

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
