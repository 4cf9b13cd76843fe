from django.urls import path

from . import views

app_name = "practices"

urlpatterns = [
    path("", views.practice_list, name="practice_list"),
    path("new/", views.practice_create, name="practice_create"),
    path("<int:pk>/", views.practice_detail, name="practice_detail"),
    path("files/<int:pk>/", views.file_download, name="file_download"),
    path("documents/", views.document_list, name="document_list"),
]
