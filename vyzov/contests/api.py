"""Contests API: contests with their set-up, applications (as the pages scope them: experts see only
their assignments, never their own subject, and in blind mode no municipality), the caller's own
expert assignments with scores (and scoring), rankings."""

from decimal import Decimal

from drf_spectacular.utils import (
    OpenApiParameter,
    PolymorphicProxySerializer,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from vyzov.accounts.access import Perm, has_perm
from vyzov.accounts.api_access import CanUseApi
from vyzov.core import serializers as core_fields
from vyzov.core.params import parse_id

from . import selectors, services
from .models import (
    Application,
    CommissionDecision,
    CommissionMember,
    Contest,
    ContestEvent,
    ContestOrganisation,
    ContestStatus,
    ExpertAssignment,
    ReportSection,
)


class ContestOutput(serializers.ModelSerializer):
    categories = serializers.SerializerMethodField()
    criteria = serializers.SerializerMethodField()

    class Meta:
        model = Contest
        fields = [
            "id",
            "year",
            "number",
            "title",
            "status",
            "submission_deadline",
            "aggregation",
            "tie_rule",
            "blind",
            "is_history",
            "categories",
            "criteria",
        ]

    def get_categories(self, contest) -> list[dict]:
        return [{"id": c.pk, "code": c.code, "title": c.title} for c in contest.categories.all()]

    def get_criteria(self, contest) -> list[dict]:
        return [
            {
                "id": c.pk,
                "set": s.settlement_type,
                "number": c.number,
                "title": c.title,
                "max_points": c.max_points,
            }
            for s in contest.criteria_sets.all()
            for c in s.criteria.all()
        ]


class ApplicationOutput(serializers.ModelSerializer):
    category = serializers.CharField(source="category.code", default=None)
    subject = serializers.CharField(source="subject.code")

    class Meta:
        model = Application
        fields = [
            "id",
            "contest",
            "settlement_name",
            "subject",
            "historical_district",
            "category",
            "status",
            "submitted_at",
            "social_page",
            "report_received",
        ]

    def to_representation(self, application):
        data = super().to_representation(application)
        if selectors.hides_municipality(self.context["request"].user, application.contest):
            data.update(settlement_name=None, subject=None, historical_district=None, social_page=None)
        return data


class AssignmentOutput(serializers.ModelSerializer):
    scores = serializers.SerializerMethodField()

    class Meta:
        model = ExpertAssignment
        fields = ["id", "application", "role", "submitted_at", "rereview_reason", "scores"]

    def get_scores(self, assignment) -> list[dict]:
        return [
            {"criterion": s.criterion_id, "points": s.points, "comment": s.comment}
            for s in assignment.scores.all()
        ]


class ScoreInput(serializers.Serializer):
    criterion = serializers.IntegerField()
    points = core_fields.DecimalField(max_digits=5, decimal_places=1)
    comment = core_fields.FreeTextField(required=False, allow_blank=True, max_length=2000, default="")


class ScoresInput(serializers.Serializer):
    scores = ScoreInput(many=True)
    submit = serializers.BooleanField(default=False)


def _fake(viewset) -> bool:
    return getattr(viewset, "swagger_fake_view", False)


class RankingRowOutput(serializers.Serializer):
    application = serializers.IntegerField()
    settlement_name = serializers.CharField()
    final = serializers.FloatField(allow_null=True)
    place = serializers.IntegerField(allow_null=True)
    flagged = serializers.BooleanField()


class RankingCategoryOutput(serializers.Serializer):
    """A category of a contest scored in the system, its applications in ranking order."""

    category = serializers.CharField()
    rows = RankingRowOutput(many=True)


class HistoryAwardOutput(serializers.Serializer):
    """An award of a past contest reproduced from its report (no scores kept)."""

    category = serializers.CharField(allow_null=True)
    application = serializers.IntegerField()
    settlement_name = serializers.CharField()
    place = serializers.IntegerField(allow_null=True)
    award = serializers.CharField()
    awarding_body = serializers.CharField(help_text="кем присуждена; пусто — организаторы конкурса")


RANKING_RESPONSE = PolymorphicProxySerializer(
    component_name="ContestRankingItem",
    serializers=[RankingCategoryOutput, HistoryAwardOutput],
    resource_type_field_name=None,
    many=True,
)


class ContestOrganisationOutput(serializers.ModelSerializer):
    class Meta:
        model = ContestOrganisation
        fields = ["name", "organisation_role", "basis", "source"]


class CommissionMemberOutput(serializers.ModelSerializer):
    class Meta:
        model = CommissionMember
        fields = ["id", "full_name", "position", "organisation", "member_role"]


class CommissionDecisionOutput(serializers.ModelSerializer):
    class Meta:
        model = CommissionDecision
        fields = ["protocol_number", "date", "approved_by", "members_present", "text"]


class ContestEventOutput(serializers.ModelSerializer):
    class Meta:
        model = ContestEvent
        fields = ["event_kind", "title", "date", "date_note", "place", "description", "source"]


class ReportSectionOutput(serializers.ModelSerializer):
    class Meta:
        model = ReportSection
        fields = ["section_kind", "number", "title", "text", "source"]


class OrganisationOutput(serializers.Serializer):
    organisations = ContestOrganisationOutput(many=True)
    commission = CommissionMemberOutput(many=True)
    decision = CommissionDecisionOutput(allow_null=True)
    regulation = serializers.CharField(
        allow_null=True, help_text="Название положения о конкурсе, если загружено"
    )
    events = ContestEventOutput(many=True)
    sections = ReportSectionOutput(many=True)


class ContestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = ContestOutput

    def get_queryset(self):
        contests = Contest.objects.prefetch_related("categories", "criteria_sets__criteria").order_by(
            "-year", "-id"
        )
        if _fake(self):
            return contests.none()
        return contests.filter(pk__in=selectors.contests_visible(actor=self.request.user).values("pk"))

    @extend_schema(responses={200: OrganisationOutput})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def organisation(self, request, pk=None):
        """Organisers and partners, the competition commission and its decision, the regulation, the events
        and the analytical sections of the results report."""
        contest = self.get_object()
        o = selectors.organisation(contest=contest)
        sections = [item for _label, items in selectors.report_sections(contest=contest) for item in items]
        return Response(
            OrganisationOutput(
                {
                    "organisations": o.organisations,
                    "commission": o.commission,
                    "decision": o.decision,
                    "regulation": o.regulation.title if o.regulation else None,
                    "events": o.events,
                    "sections": sections,
                }
            ).data
        )

    @extend_schema(responses={200: RANKING_RESPONSE})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def ranking(self, request, pk=None):
        """Per category: application, final score, place (ties share a place), disagreement flag."""
        contest = self.get_object()
        if contest.status != ContestStatus.PUBLISHED and not has_perm(request.user, Perm.CONTESTS_MANAGE):
            raise NotFound()
        if contest.is_history:
            return Response(
                [
                    {
                        "category": a.category.code if a.category else None,
                        "application": a.application_id,
                        "settlement_name": a.application.settlement_name,
                        "place": a.place,
                        "award": a.title,
                        "awarding_body": a.awarding_body,
                    }
                    for a in contest.awards.select_related("category", "application")
                ]
            )
        return Response(
            [
                {
                    "category": group.category.code,
                    "rows": [
                        {
                            "application": row.application.pk,
                            "settlement_name": row.application.settlement_name,
                            "final": row.final,
                            "place": row.place,
                            "flagged": row.flagged,
                        }
                        for row in group.rows
                    ],
                }
                for group in selectors.ranking_cached(contest=contest)
            ]
        )


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("contest", int, description="Конкурс (id)")])
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """`?contest=<id>` narrows the list to one contest."""

    permission_classes = [CanUseApi]
    serializer_class = ApplicationOutput

    def get_queryset(self):
        if _fake(self):
            return Application.objects.none()
        applications = selectors.application_scope(
            self.request.user, Application.objects.select_related("contest", "category", "subject")
        ).order_by("id")
        contest = parse_id(self.request.query_params.get("contest"))
        return applications if contest is None else applications.filter(contest_id=contest)


class AssignmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The caller's own expert assignments and their scores; POST …/scores/ to score."""

    permission_classes = [CanUseApi]
    serializer_class = AssignmentOutput

    def get_queryset(self):
        if _fake(self):
            return ExpertAssignment.objects.none()
        return selectors.expert_assignments(actor=self.request.user).prefetch_related("scores")

    @extend_schema(request=ScoresInput, responses={200: AssignmentOutput})
    @action(detail=True, methods=["post"])
    def scores(self, request, pk=None):
        assignment = self.get_object()
        data = ScoresInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.scores_save(
            actor=request.user,
            assignment=assignment,
            submit=data.validated_data["submit"],
            scores={
                s["criterion"]: (Decimal(s["points"]), s["comment"]) for s in data.validated_data["scores"]
            },
        )
        return Response(AssignmentOutput(self.get_queryset().get(pk=assignment.pk)).data)
