from django.urls import path

from . import views

app_name = "consilium"

urlpatterns = [
    path("", views.consilium_list, name="consilium_list"),
    path("new/", views.consilium_create, name="consilium_create"),
    path("<int:pk>/", views.consilium_detail, name="consilium_detail"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/agenda/family/", views.agenda_family_add, name="agenda_family_add"),
    path("meetings/<int:pk>/families/<int:family_pk>/", views.family_review, name="family_review"),
    path(
        "meetings/<int:pk>/families/<int:family_pk>/decide/",
        views.family_review_decide,
        name="family_review_decide",
    ),
    path("meetings/<int:pk>/participants/", views.meeting_participants, name="meeting_participants"),
    path("meetings/<int:pk>/close/", views.meeting_close, name="meeting_close"),
    path("meetings/<int:pk>/protocol.docx", views.meeting_protocol, name="meeting_protocol"),
    path("meetings/<int:pk>/signed-protocol/", views.protocol_upload, name="protocol_upload"),
    path("meetings/<int:pk>/signed-protocol/download/", views.protocol_download, name="protocol_download"),
    path("meetings/<int:pk>/children/<int:child_pk>/", views.review, name="review"),
    path(
        "meetings/<int:pk>/children/<int:child_pk>/answers/",
        views.review_answers_save,
        name="review_answers_save",
    ),
    path("meetings/<int:pk>/children/<int:child_pk>/decide/", views.review_decide, name="review_decide"),
    path("agenda/<int:pk>/remove/", views.agenda_remove, name="agenda_remove"),
    path("family-agenda/<int:pk>/remove/", views.family_agenda_remove, name="family_agenda_remove"),
    path("my-items/", views.my_items, name="my_items"),
    path("items/", views.action_list, name="action_list"),
    path("items/<int:pk>/", views.action_item, name="action_item"),
    path("items/<int:pk>/update/", views.action_item_update, name="action_item_update"),
    path("reports/<str:code>/", views.report, name="report"),
    path("documents/", views.document_list, name="document_list"),
    path("<int:pk>/documents/new/", views.document_create, name="document_create"),
    path("documents/<int:pk>/", views.document_detail, name="document_detail"),
    path("documents/<int:pk>/edit/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/approve/", views.document_approve, name="document_approve"),
    path("documents/<int:pk>/revise/", views.document_revise, name="document_revise"),
]
