from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from vyzov.alerts import api as alerts_api
from vyzov.cases import api as cases_api
from vyzov.consilium import api as consilium_api
from vyzov.contests import api as contests_api
from vyzov.monitoring import api as monitoring_api
from vyzov.ngo_aid import api as ngo_aid_api
from vyzov.practices import api as practices_api
from vyzov.programmes import api as programmes_api
from vyzov.support import api as support_api
from vyzov.territories import api as territories_api

router = DefaultRouter()
router.register("subjects", territories_api.SubjectViewSet, basename="subject")
router.register("municipalities", territories_api.MunicipalityViewSet, basename="municipality")
router.register("organizations", territories_api.OrganizationViewSet, basename="organization")
router.register("children", cases_api.ChildViewSet, basename="child")
router.register("families", cases_api.FamilyViewSet, basename="family")
router.register("placements", cases_api.PlacementViewSet, basename="placement")
router.register("cases", cases_api.CaseViewSet, basename="case")
router.register("alerts", alerts_api.AlertViewSet, basename="alert")
router.register("consilia", consilium_api.ConsiliumViewSet, basename="consilium")
router.register("consilium/meetings", consilium_api.MeetingViewSet, basename="meeting")
router.register("consilium/reviews", consilium_api.ReviewViewSet, basename="review")
router.register(
    "consilium/documents", consilium_api.InteragencyDocumentViewSet, basename="consilium-document"
)
router.register("consilium/family-reviews", consilium_api.FamilyReviewViewSet, basename="family-review")
router.register("action-items", consilium_api.ActionItemViewSet, basename="action-item")
router.register("aid/requests", ngo_aid_api.AidRequestViewSet, basename="aid-request")
router.register("aid/operators", ngo_aid_api.OperatorViewSet, basename="aid-operator")
router.register("support/services", support_api.ServiceViewSet, basename="support-service")
router.register("support/specialists", support_api.SpecialistViewSet, basename="support-specialist")
router.register("support/family-cases", support_api.FamilyCaseViewSet, basename="family-case")
router.register("support/clubs", support_api.ClubViewSet, basename="club")
router.register("support/supervision", support_api.SupervisionViewSet, basename="supervision")
router.register("programmes/programmes", programmes_api.ProgrammeViewSet, basename="programme")
router.register("programmes/indicators", programmes_api.IndicatorViewSet, basename="programme-indicator")
router.register("programmes/measures", programmes_api.MeasureViewSet, basename="programme-measure")
router.register("programmes/curators", programmes_api.CuratorViewSet, basename="programme-curator")
router.register("contests/contests", contests_api.ContestViewSet, basename="contest")
router.register("contests/applications", contests_api.ApplicationViewSet, basename="contest-application")
router.register("contests/assignments", contests_api.AssignmentViewSet, basename="contest-assignment")
router.register("library/documents", practices_api.LibraryDocumentViewSet, basename="library-document")
router.register("practices", practices_api.PracticeViewSet, basename="practice")
router.register("programmes/decisions", programmes_api.DecisionViewSet, basename="working-group-decision")
router.register("monitoring/figures", monitoring_api.FigureViewSet, basename="figure")
router.register("monitoring/rollups", monitoring_api.RollUpViewSet, basename="rollup")
router.register("monitoring/indicators", monitoring_api.IndicatorViewSet, basename="monitoring-indicator")
router.register("monitoring/data-sets", monitoring_api.DataSetViewSet, basename="monitoring-data-set")
router.register("monitoring/rules", monitoring_api.ValidationRuleViewSet, basename="monitoring-rule")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves its init script from the same URL (?script=): no inline script, so the CSP holds.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
    path("v1/aid/report/", ngo_aid_api.ReportView.as_view(), name="aid-report"),
    path("v1/monitoring/progress/", monitoring_api.ProgressView.as_view(), name="monitoring-progress"),
    path(
        "v1/monitoring/completeness/",
        monitoring_api.CompletenessView.as_view(),
        name="monitoring-completeness",
    ),
    path("v1/monitoring/explore/", monitoring_api.ExplorerView.as_view(), name="monitoring-explore"),
    path("v1/", include(router.urls)),
]
