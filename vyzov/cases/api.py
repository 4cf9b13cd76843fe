"""Register API: children, families, placements and routes — the same selectors, services and policy
as the pages. Personal fields are present only where the caller may see them; every read of them is
audited."""

from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from vyzov.accounts.access import Perm, allows, get_in_scope, require, scope
from vyzov.accounts.api_access import CanUseApi, PersonalFieldsMixin, require_somewhere
from vyzov.accounts.models import User
from vyzov.accounts.privacy import date_for, text_for
from vyzov.core import serializers as core_fields
from vyzov.core.api_pagination import KeysetPagination
from vyzov.core.middleware import mark_personal_response
from vyzov.core.params import MAX_ID, parse_id
from vyzov.core.validators import normalize_birth_certificate, normalize_snils
from vyzov.territories.models import Municipality, Organization, Subject

from . import selectors, services
from .models import (
    PLACEMENT_ORGANIZATION_KINDS,
    Case,
    Child,
    Family,
    LegalStatus,
    Placement,
    PlacementKind,
    PlacementOutcome,
    RouteGoal,
    Sex,
)

PERSONAL_CHILD_FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "snils", "birth_certificate")


class CaseOutput(PersonalFieldsMixin, serializers.ModelSerializer):
    personal_dates = ("last_review_date",)

    def personal_object(self, case):
        return case.child  # cached by the child's select_related("case"); it carries `personal`

    class Meta:
        model = Case
        fields = ["id", "goal", "status", "responsible", "next_review_date", "last_review_date", "version"]


class ChildOutput(PersonalFieldsMixin, serializers.ModelSerializer):
    personal_dates = ("placed_since",)
    subject = serializers.CharField(source="subject.code")
    age = serializers.SerializerMethodField()
    case = CaseOutput(read_only=True)

    class Meta:
        model = Child
        fields = [
            "id",
            *PERSONAL_CHILD_FIELDS,
            "age",
            "sex",
            "legal_status",
            "has_living_parents",
            "disability",
            "health_group",
            "family",
            "subject",
            "municipality",
            "current_organization",
            "placed_since",
            "case",
            "version",
        ]

    def get_age(self, child) -> int:
        return child.age_on(timezone.localdate())

    def to_representation(self, child):
        data = super().to_representation(child)
        if not getattr(child, "personal", False):
            for name in PERSONAL_CHILD_FIELDS:
                data.pop(name, None)
        return data


class ChildQuery(serializers.Serializer):
    subject = serializers.CharField(required=False, help_text="Код субъекта РФ")
    municipality = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    organization = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    placed = serializers.ChoiceField(choices=["yes", "no"], required=False)
    age_min = serializers.IntegerField(required=False, min_value=0, max_value=25)
    age_max = serializers.IntegerField(required=False, min_value=0, max_value=25)
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices, required=False)
    has_living_parents = serializers.BooleanField(required=False, allow_null=True, default=None)
    months_in_institution = serializers.IntegerField(required=False, min_value=0, max_value=240)
    goal = serializers.ChoiceField(choices=RouteGoal.choices, required=False)
    overdue_review = serializers.BooleanField(required=False)
    q = serializers.CharField(required=False, max_length=100)
    sort = serializers.ChoiceField(choices=list(selectors.SORTS), required=False)

    def to_filters(self, actor: User) -> dict:
        data = dict(self.validated_data)
        if "subject" in data:
            found = (
                scope(actor, Subject.objects.all(), Perm.TERRITORIES_VIEW)
                .filter(code=data["subject"])
                .first()
            )
            data["subject"] = found or Subject(pk=0)  # an unknown or out-of-scope subject matches nothing
        return data


class ChildInput(serializers.Serializer):
    last_name = core_fields.PersonNameField(max_length=100)
    first_name = core_fields.PersonNameField(max_length=100)
    middle_name = core_fields.PersonNameField(max_length=100, required=False, allow_blank=True)
    birth_date = serializers.DateField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    snils = serializers.CharField(max_length=20, required=False, allow_blank=True)
    birth_certificate = serializers.CharField(max_length=30, required=False, allow_blank=True)
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices)
    has_living_parents = serializers.BooleanField(required=False, default=True)
    disability = serializers.BooleanField(required=False, default=False)
    health_group = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5)
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.none())
    family = serializers.PrimaryKeyRelatedField(
        queryset=Family.objects.none(), required=False, allow_null=True
    )
    confirm_not_duplicate = serializers.BooleanField(required=False, default=False)
    version = serializers.IntegerField(required=False)

    def __init__(self, *args, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is None:  # schema generation: no caller, no choices
            return
        self.fields["municipality"].queryset = scope(actor, Municipality.objects.all(), Perm.CASES_EDIT)
        self.fields["family"].queryset = scope(actor, Family.objects.all(), Perm.CASES_EDIT)

    def validate_snils(self, value):
        return normalize_snils(value)

    def validate_birth_certificate(self, value):
        return normalize_birth_certificate(value)


class TimelineEntryOutput(serializers.Serializer):
    date = serializers.DateField()
    kind = serializers.CharField()
    title = serializers.CharField()


class ChildViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = ChildOutput
    # Pages by key in the list's sort: no COUNT over the national register (docs/performance.md).
    pagination_class = KeysetPagination

    def keyset_order(self) -> tuple[str, ...]:
        return selectors.sort_order(self.filters.get("sort"))

    def get_queryset(self):
        query = ChildQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        self.filters = query.to_filters(self.request.user)
        return selectors.child_list(actor=self.request.user, filters=self.filters)

    @extend_schema(parameters=[ChildQuery])
    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        subject = self.filters.get("subject")
        services.personal_data_list_read(
            actor=request.user,
            kind="api_children_list",
            records=[child for child in page if child.personal],
            filters=self.filters,
            subject_id=subject.pk if subject else None,
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        child = selectors.child_get(actor=request.user, pk=pk)
        if child.personal:
            services.personal_data_read(actor=request.user, target=child, kind="api_child")
        return Response(ChildOutput(child, context={"request": request}).data)

    @extend_schema(request=ChildInput, responses={201: ChildOutput})
    def create(self, request):
        require_somewhere(request.user, Perm.CASES_EDIT, action="добавлять детей в реестр")
        serializer = ChildInput(data=request.data, actor=request.user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        confirm = data.pop("confirm_not_duplicate", False)
        data.pop("version", None)
        try:
            child = services.child_create(actor=request.user, data=data, confirm_not_duplicate=confirm)
        except services.DuplicateSuspected as suspected:
            found = services.duplicates_found(actor=request.user, suspected=suspected)
            return Response(
                {
                    "detail": suspected.messages[0],
                    "duplicates": [child.pk for child in found.visible],
                    "notices": found.notices,
                },
                status=status.HTTP_409_CONFLICT,
            )
        mark_personal_response()  # the answer repeats the personal data just written (audited as the write)
        return Response(
            ChildOutput(
                selectors.child_get(actor=request.user, pk=child.pk), context={"request": request}
            ).data,
            status=201,
        )

    @extend_schema(request=ChildInput, responses={200: ChildOutput})
    def partial_update(self, request, pk=None):
        child = selectors.child_get(actor=request.user, pk=pk)
        require(request.user, Perm.CASES_EDIT, child)
        serializer = ChildInput(data=request.data, partial=True, actor=request.user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("confirm_not_duplicate", None)
        if "version" not in data:
            raise serializers.ValidationError({"version": "Укажите версию записи, которую вы изменяете."})
        version = data.pop("version")
        if "municipality" in data:
            data["subject"] = data["municipality"].subject
        services.child_update(actor=request.user, child=child, data=data, expected_version=version)
        mark_personal_response()  # audited as the update
        return Response(
            ChildOutput(selectors.child_get(actor=request.user, pk=pk), context={"request": request}).data
        )

    @extend_schema(responses={200: TimelineEntryOutput(many=True)})
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def timeline(self, request, pk=None):
        child = selectors.child_get(actor=request.user, pk=pk)
        actor = request.user
        return Response(
            [
                {
                    "date": date_for(actor, e.date, child, iso=True),
                    "kind": e.kind,
                    "title": text_for(actor, e.title, child),
                }
                for e in selectors.child_timeline(child=child)
            ]
        )


class RouteInput(serializers.Serializer):
    goal = serializers.ChoiceField(choices=RouteGoal.choices)
    reason = core_fields.FreeTextField(max_length=1000)
    next_review_date = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField()


class CaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = CaseOutput

    def get_queryset(self):
        # The child (with its subject) decides what of the case is personal: loaded with the case.
        cases = Case.objects.select_related("child__subject")
        return scope(self.request.user, cases, Perm.CASES_VIEW).order_by("id")

    @extend_schema(request=RouteInput, responses={200: CaseOutput})
    @action(detail=True, methods=["post"])
    def route(self, request, pk=None):
        case = get_in_scope(request.user, Case.objects.select_related("child"), Perm.CASES_VIEW, pk=pk)
        serializer = RouteInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        case = services.route_change(
            actor=request.user,
            child=case.child,
            goal=data["goal"],
            reason=data["reason"],
            responsible=case.responsible,
            next_review_date=data.get("next_review_date"),
            expected_version=data["version"],
        )
        return Response(CaseOutput(case, context={"request": request}).data)


class FamilyOutput(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.code")

    class Meta:
        model = Family
        fields = ["id", "title", "subject", "municipality", "address", "is_large", "version"]

    def to_representation(self, family):
        data = super().to_representation(family)
        if not allows(self.context["request"].user, Perm.CASES_VIEW_PERSONAL, family):
            data.pop("title")
            data.pop("address")
        return data


class FamilyInput(serializers.Serializer):
    title = core_fields.FreeTextField(multiline=False, max_length=200)
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.none())
    address = core_fields.FreeTextField(multiline=False, max_length=300, required=False, allow_blank=True)
    notes = core_fields.FreeTextField(max_length=5000, required=False, allow_blank=True)
    is_large = serializers.BooleanField(required=False, allow_null=True, help_text="многодетная семья")

    def __init__(self, *args, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is None:  # schema generation: no caller, no choices
            return
        self.fields["municipality"].queryset = scope(actor, Municipality.objects.all(), Perm.CASES_EDIT)


class FamilyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = FamilyOutput
    pagination_class = KeysetPagination

    def keyset_order(self) -> tuple[str, ...]:
        return selectors.FAMILY_ORDER

    def get_queryset(self):
        return selectors.family_list(actor=self.request.user)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        services.personal_data_list_read(
            actor=request.user,
            kind="api_families_list",
            records=[family for family in page if allows(request.user, Perm.CASES_VIEW_PERSONAL, family)],
        )
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, pk=None):
        family = selectors.family_get(actor=request.user, pk=pk)
        if allows(request.user, Perm.CASES_VIEW_PERSONAL, family):
            services.personal_data_read(actor=request.user, target=family, kind="api_family")
        return Response(FamilyOutput(family, context={"request": request}).data)

    @extend_schema(request=FamilyInput, responses={201: FamilyOutput})
    def create(self, request):
        require_somewhere(request.user, Perm.CASES_EDIT, action="добавлять семьи в реестр")
        serializer = FamilyInput(data=request.data, actor=request.user)
        serializer.is_valid(raise_exception=True)
        family = services.family_create(actor=request.user, data=serializer.validated_data)
        mark_personal_response()  # audited as the creation
        return Response(FamilyOutput(family, context={"request": request}).data, status=201)


class PlacementOutput(PersonalFieldsMixin, serializers.ModelSerializer):
    personal_dates = ("start_date", "planned_end_date", "end_date")
    personal_texts = ("basis", "outcome_note")

    class Meta:
        model = Placement
        fields = [
            "id",
            "child",
            "organization",
            "kind",
            "start_date",
            "basis",
            "planned_end_date",
            "end_date",
            "outcome",
            "outcome_note",
        ]


class PlacementInput(serializers.Serializer):
    child = serializers.PrimaryKeyRelatedField(queryset=Child.objects.none())
    organization = serializers.PrimaryKeyRelatedField(queryset=Organization.objects.none())
    kind = serializers.ChoiceField(choices=PlacementKind.choices)
    start_date = serializers.DateField()
    basis = core_fields.FreeTextField(multiline=False, max_length=300)
    planned_end_date = serializers.DateField(required=False, allow_null=True)

    def __init__(self, *args, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is None:  # schema generation: no caller, no choices
            return
        self.fields["child"].queryset = scope(
            actor, Child.objects.filter(merged_into__isnull=True), Perm.CASES_EDIT
        )
        self.fields["organization"].queryset = scope(
            actor, Organization.objects.filter(kind__in=PLACEMENT_ORGANIZATION_KINDS), Perm.TERRITORIES_VIEW
        )


class PlacementCloseInput(serializers.Serializer):
    end_date = serializers.DateField()
    outcome = serializers.ChoiceField(choices=PlacementOutcome.choices)
    outcome_note = core_fields.FreeTextField(
        multiline=False, max_length=300, required=False, allow_blank=True
    )


@extend_schema_view(
    list=extend_schema(parameters=[OpenApiParameter("child", int, description="Ребёнок (id)")])
)
class PlacementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = PlacementOutput

    def get_queryset(self):
        placements = Placement.objects.select_related("child__subject")  # for the personal-data rule
        qs = scope(self.request.user, placements, Perm.CASES_VIEW).order_by("-start_date", "-id")
        child = parse_id(self.request.query_params.get("child"))
        return qs if child is None else qs.filter(child_id=child)

    @extend_schema(request=PlacementInput, responses={201: PlacementOutput})
    def create(self, request):
        require_somewhere(request.user, Perm.CASES_EDIT, action="оформлять устройство детей")
        serializer = PlacementInput(data=request.data, actor=request.user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        child = data.pop("child")
        placement = services.placement_open(actor=request.user, child=child, data=data)
        return Response(PlacementOutput(placement, context={"request": request}).data, status=201)

    @extend_schema(request=PlacementCloseInput, responses={200: PlacementOutput})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        placement = get_in_scope(
            request.user, Placement.objects.select_related("child"), Perm.CASES_VIEW, pk=pk
        )
        serializer = PlacementCloseInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        placement = services.placement_close(
            actor=request.user,
            placement=placement,
            end_date=data["end_date"],
            outcome=data["outcome"],
            note=data.get("outcome_note", ""),
        )
        return Response(PlacementOutput(placement, context={"request": request}).data)
