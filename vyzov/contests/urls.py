from django.urls import path

from . import views, views_organisation

app_name = "contests"

# One page per GET route; each form of a page posts to its own route.
urlpatterns = [
    path("", views.contest_list, name="contest_list"),
    path("<int:pk>/", views.contest_detail, name="contest_detail"),
    path("<int:pk>/advance/", views.contest_advance, name="contest_advance"),
    path("<int:pk>/apply/", views.contest_apply, name="contest_apply"),
    path("<int:pk>/experts/assign/", views.experts_auto_assign, name="experts_auto_assign"),
    path("<int:pk>/copy/", views.contest_copy, name="contest_copy"),
    path("<int:pk>/setup/<str:kind>/", views.setup_add, name="setup_add"),
    path("<int:pk>/applications/", views.application_list, name="application_list"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<int:pk>/awards/", views.award_add, name="award_add"),
    path("<int:pk>/report/", views.report, name="report"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/save/", views.application_save, name="application_save"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/practices/", views.practice_add, name="practice_add"),
    path("applications/<int:pk>/files/", views.file_add, name="file_add"),
    path("applications/<int:pk>/review/", views.application_review, name="application_review"),
    path("applications/<int:pk>/category/", views.category_change, name="category_change"),
    path("applications/<int:pk>/extend/", views.deadline_extend, name="deadline_extend"),
    path("applications/<int:pk>/experts/", views.expert_assign, name="expert_assign"),
    path("applications/<int:pk>/experts/remove/", views.expert_unassign, name="expert_unassign"),
    path("applications/<int:pk>/rereview/", views.rereview_request, name="rereview_request"),
    path("applications/<int:pk>/bonuses/", views.bonus_confirm, name="bonus_confirm"),
    path("applications/<int:pk>/publications/", views.publication_add, name="publication_add"),
    path("applications/<int:pk>/score/", views.score, name="score"),
    path("applications/<int:pk>/score/save/", views.score_save, name="score_save"),
    path("applications/<int:pk>/score/submit/", views.score_submit, name="score_submit"),
    path("applications/<int:pk>/score/jury/", views.jury_score, name="jury_score"),
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
