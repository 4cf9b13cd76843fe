"""Regional programme API: programmes with directions, indicators with progress (and posting an actual
value), measures, working-group decisions with their action items."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action

from vyzov.accounts.access import Perm
from vyzov.accounts.api_access import CanUseApi, scoped_for_api
from vyzov.core import serializers as core_fields
from vyzov.core.params import parse_id

from . import selectors, services
from .models import CuratorAssignment, Measure, ProgrammeIndicator, RegionalProgramme, WorkingGroupDecision


class ProgrammeOutput(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.code")
    directions = serializers.SerializerMethodField()

    class Meta:
        model = RegionalProgramme
        fields = [
            "id",
            "subject",
            "title",
            "start_year",
            "end_year",
            "approved_document",
            "programme_form",
            "directions",
        ]

    def get_directions(self, programme) -> list[dict]:
        return [{"id": d.pk, "number": d.number, "title": d.title} for d in programme.directions.all()]


class IndicatorOutput(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="direction.programme_id")
    direction_number = serializers.IntegerField(source="direction.number")
    targets = serializers.SerializerMethodField()
    actuals = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = ProgrammeIndicator
        fields = [
            "id",
            "programme",
            "direction_number",
            "name",
            "unit",
            "better",
            "baseline",
            "targets",
            "actuals",
            "progress",
        ]

    def get_targets(self, indicator) -> dict[str, str]:
        return {str(target.year): str(target.value) for target in indicator.targets.all()}

    def get_actuals(self, indicator) -> list[dict]:
        return [{"as_of": actual.as_of, "value": str(actual.value)} for actual in indicator.actuals.all()]

    def get_progress(self, indicator) -> dict:
        result = self.context["progress"][indicator.pk]
        return {
            "status": result.status,
            "status_label": result.status_label,
            "share_of_way": result.share_of_way,
            "forecast": result.forecast,
        }


class ActualInput(serializers.Serializer):
    as_of = serializers.DateField()
    value = core_fields.DecimalField(max_digits=14, decimal_places=2, min_value=0)


class MeasureOutput(serializers.ModelSerializer):
    programme = serializers.IntegerField(source="direction.programme_id")
    direction_number = serializers.IntegerField(source="direction.number")
    has_evidence = serializers.SerializerMethodField()

    class Meta:
        model = Measure
        fields = [
            "id",
            "programme",
            "direction_number",
            "title",
            "responsible",
            "deadline",
            "budget",
            "status",
            "has_evidence",
        ]

    def get_has_evidence(self, measure) -> bool:
        return bool(measure.evidence)


class DecisionOutput(serializers.ModelSerializer):
    subject = serializers.CharField(source="meeting.group.subject.code")
    meeting_date = serializers.DateField(source="meeting.date")
    action_items = serializers.SerializerMethodField()

    class Meta:
        model = WorkingGroupDecision
        fields = ["id", "subject", "meeting_date", "text", "action_items"]

    def get_action_items(self, decision) -> list[dict]:
        items = self.context["items"].get(decision.pk, [])
        return [
            {
                "id": item.pk,
                "what": item.what,
                "organization": item.organization_id,
                "deadline": item.deadline,
                "status": item.status,
                "overdue": item.is_overdue,
            }
            for item in items
        ]


class FieldWorkResultsOutput(serializers.Serializer):
    visits = serializers.IntegerField()
    visits_with_guardianship = serializers.IntegerField()
    visits_with_kdn = serializers.IntegerField()
    receptions = serializers.IntegerField()
    people_received = serializers.IntegerField()
    children_placed = serializers.IntegerField(source="placed")
    returned_home = serializers.IntegerField(source="home")
    substitute_family = serializers.IntegerField(source="substitute")
    returned_home_by_register = serializers.IntegerField(source="home_register")
    substitute_family_by_register = serializers.IntegerField(source="substitute_register")
    control_open = serializers.IntegerField()
    control_closed = serializers.IntegerField()


class CuratorOutput(serializers.ModelSerializer):
    """A curator with the results of the field work — counts only, no family and no free text."""

    subject = serializers.CharField(source="subject.code")
    results = serializers.SerializerMethodField()

    class Meta:
        model = CuratorAssignment
        fields = ["id", "subject", "full_name", "position", "since", "results"]

    @extend_schema_field(FieldWorkResultsOutput)
    def get_results(self, assignment) -> dict:
        result = self.context["results"].get(assignment.pk)
        return FieldWorkResultsOutput(result).data if result is not None else {}


class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = ProgrammeOutput

    def get_queryset(self):
        return scoped_for_api(
            self,
            RegionalProgramme.objects.select_related("subject").prefetch_related("directions"),
            Perm.PROGRAMMES_VIEW,
        )


class PageContextMixin:
    """Serializer context computed once for the objects being shown (one page, or the one object)
    rather than per row: `context_for(objects)` fills `context[context_key]`."""

    context_key: str

    def context_for(self, objects) -> dict:
        raise NotImplementedError

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self.page_context = self.context_for(list(page or []))
        return page

    def get_object(self):
        obj = super().get_object()
        self.page_context = self.context_for([obj])
        return obj

    def get_serializer_context(self):
        return {**super().get_serializer_context(), self.context_key: getattr(self, "page_context", {})}


class IndicatorViewSet(
    PageContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """`?programme=<id>` narrows the list to one programme."""

    permission_classes = [CanUseApi]
    serializer_class = IndicatorOutput

    def get_queryset(self):
        queryset = scoped_for_api(
            self,
            ProgrammeIndicator.objects.select_related("direction__programme__subject").prefetch_related(
                "targets", "actuals"
            ),
            Perm.PROGRAMMES_VIEW,
        )
        programme = parse_id(self.request.query_params.get("programme"))
        return queryset if programme is None else queryset.filter(direction__programme_id=programme)

    @extend_schema(request=ActualInput, responses={200: IndicatorOutput})
    @action(detail=True, methods=["post"])
    def actuals(self, request, pk=None):
        indicator = self.get_object()
        data = ActualInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.actual_add(actor=request.user, indicator=indicator, **data.validated_data)
        return self.retrieve(request, pk=pk)

    context_key = "progress"

    def context_for(self, indicators) -> dict:
        return selectors.indicators_progress(indicators)


class MeasureViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = MeasureOutput

    def get_queryset(self):
        queryset = scoped_for_api(self, Measure.objects.select_related("direction"), Perm.PROGRAMMES_VIEW)
        programme = parse_id(self.request.query_params.get("programme"))
        return queryset if programme is None else queryset.filter(direction__programme_id=programme)


class DecisionViewSet(
    PageContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    permission_classes = [CanUseApi]
    serializer_class = DecisionOutput

    def get_queryset(self):
        return scoped_for_api(
            self, WorkingGroupDecision.objects.select_related("meeting__group__subject"), Perm.PROGRAMMES_VIEW
        )

    context_key = "items"

    def context_for(self, decisions) -> dict:
        return selectors.action_items_by_origin(WorkingGroupDecision, [decision.pk for decision in decisions])


class CuratorViewSet(
    PageContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Curators and the results of their field work (visits, personal reception, cases on personal
    control; children placed in families counted from the register's routes). `?subject=<code>`."""

    permission_classes = [CanUseApi]
    serializer_class = CuratorOutput

    def get_queryset(self):
        queryset = scoped_for_api(
            self, CuratorAssignment.objects.select_related("subject"), Perm.PROGRAMMES_VIEW
        )
        code = self.request.query_params.get("subject")
        return queryset if not code else queryset.filter(subject__code=str(code)[:2])

    context_key = "results"

    def context_for(self, assignments) -> dict:
        return selectors.field_work_results_for(assignments=assignments)
