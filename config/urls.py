from django.urls import include, path

urlpatterns = [
    path("", include("vyzov.dashboard.urls")),  # first: it serves "/" (the home page)
    path("", include("vyzov.core.urls")),
    path("", include("vyzov.territories.urls")),
    path("accounts/", include("vyzov.accounts.urls")),
    path("audit/", include("vyzov.accounts.audit_urls")),
    path("register/", include("vyzov.cases.urls")),
    path("monitoring/", include("vyzov.monitoring.urls")),
    path("open-data/", include("vyzov.monitoring.open_data_urls")),
    path("consilium/", include("vyzov.consilium.urls")),
    path("aid/", include("vyzov.ngo_aid.urls")),
    path("support/", include("vyzov.support.urls")),
    path("alerts/", include("vyzov.alerts.urls")),
    path("programmes/", include("vyzov.programmes.urls")),
    path("contests/", include("vyzov.contests.urls")),
    path("practices/", include("vyzov.practices.urls")),
    path("api/", include("vyzov.api.urls")),
]

handler400 = "vyzov.core.views.bad_request"
handler403 = "vyzov.core.views.permission_denied"
handler404 = "vyzov.core.views.page_not_found"
handler500 = "vyzov.core.views.server_error"
