"""Monitoring API: figures (read; write for those who may enter them), progress per region, roll-ups."""

import datetime as dt

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from vyzov.accounts.access import Perm, has_perm, scope
from vyzov.accounts.api_access import CanUseApi, require_somewhere
from vyzov.accounts.models import User
from vyzov.core import serializers as core_fields
from vyzov.territories.models import Municipality, Subject

from . import completeness, explorer, inputs, selectors, services
from .forms import DATA_SET_FORM_FIELDS, CompletenessForm, ExplorerForm
from .models import (
    DEFAULT_DEADLINE_DAYS,
    Aggregation,
    DataSet,
    Direction,
    Figure,
    Importance,
    Indicator,
    Operator,
    PeriodType,
    RollUp,
    RollUpLevel,
    TerritoryLevel,
    ValidationRule,
    validate_quarter_date,
)


class MonitoringReader(CanUseApi):
    message = "Нет доступа к мониторингу."

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and has_perm(request.user, Perm.MONITORING_VIEW)


class FigureOutput(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.code")
    indicator = serializers.CharField(source="indicator.code")
    value = serializers.SerializerMethodField()
    suppressed = serializers.SerializerMethodField()

    class Meta:
        model = Figure
        fields = [
            "id",
            "subject",
            "municipality",
            "indicator",
            "as_of",
            "value",
            "suppressed",
            "source",
            "comment",
        ]

    def _shown(self, figure):
        if figure.municipality_id is None:
            return figure.value, False
        return selectors.suppress(self.context["request"].user, figure.value)

    def get_value(self, figure) -> int | None:
        return self._shown(figure)[0]

    def get_suppressed(self, figure) -> bool:
        return self._shown(figure)[1]


class FigureInput(serializers.Serializer):
    subject = serializers.SlugRelatedField(slug_field="code", queryset=Subject.objects.none())
    as_of = serializers.DateField()
    indicator = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all())
    municipality = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.none(), required=False, allow_null=True
    )
    value = core_fields.IntegerField(min_value=0, max_value=10_000_000)
    comment = core_fields.FreeTextField(
        multiline=False, max_length=500, required=False, allow_blank=True, default=""
    )

    def __init__(self, *args, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is None:  # schema generation: no caller, no choices
            return
        self.fields["subject"].queryset = scope(actor, Subject.objects.all(), Perm.MONITORING_EDIT)
        self.fields["municipality"].queryset = scope(actor, Municipality.objects.all(), Perm.MONITORING_EDIT)

    def validate_as_of(self, value: dt.date) -> dt.date:
        try:
            validate_quarter_date(value)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages) from None
        return value


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("subject", str, description="Код субъекта РФ, например 22"),
            OpenApiParameter("indicator", str, description="Код показателя"),
            OpenApiParameter("as_of", str, description="Отчётная дата ГГГГ-ММ-ДД"),
        ]
    )
)
class FigureViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [MonitoringReader]
    serializer_class = FigureOutput

    def get_queryset(self):
        qs = scope(
            self.request.user, Figure.objects.select_related("subject", "indicator"), Perm.MONITORING_VIEW
        )
        params = self.request.query_params
        if params.get("subject"):
            qs = qs.filter(subject__code=params["subject"])
        if params.get("indicator"):
            qs = qs.filter(indicator__code=params["indicator"])
        if params.get("as_of"):
            qs = qs.filter(as_of=params["as_of"]) if _is_date(params["as_of"]) else qs.none()
        return qs.order_by("subject__code", "as_of", "indicator__order", "municipality_id")

    @extend_schema(request=FigureInput, responses={201: FigureOutput})
    def create(self, request):
        require_somewhere(request.user, Perm.MONITORING_EDIT, action="вводить показатели мониторинга")
        serializer = FigureInput(data=request.data, actor=request.user)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        data_set = data["indicator"].data_sets.first()
        if data_set is None:
            raise serializers.ValidationError({"indicator": ["Показатель не входит ни в один набор данных."]})
        item = services.FigureInput(
            data["indicator"], data["value"], data.get("comment", ""), data.get("municipality")
        )
        report, _changed = services.figures_enter(
            actor=request.user, subject=data["subject"], as_of=data["as_of"], data_set=data_set, inputs=[item]
        )
        figure = Figure.objects.get(
            report=report, indicator=data["indicator"], municipality=data.get("municipality")
        )
        return Response(
            FigureOutput(figure, context={"request": request}).data, status=status.HTTP_201_CREATED
        )


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


class ProgressView(APIView):
    """Progress of every region to its target (the same figures as the ranking page)."""

    permission_classes = [MonitoringReader]

    @extend_schema(responses={200: serializers.ListSerializer(child=serializers.DictField())})
    def get(self, request):
        return Response([_progress_row(row) for row in selectors.subject_rows()])


def _rounded(value, digits: int | None = 2):
    return None if value is None else round(value, digits)


def _progress_row(row) -> dict:
    p = row.progress
    return {
        "subject": row.subject.code,
        "name": row.subject.name,
        "is_pilot": row.subject.is_pilot,
        "baseline": row.baseline,
        "latest": row.latest,
        "latest_date": p.latest_date if p else None,
        "change_percent": _rounded(p.change_percent) if p else None,
        "share_of_way": _rounded(p.share_of_way) if p else None,
        "forecast": _rounded(p.forecast, None) if p else None,
        "status": p.status if p else "no_data",
    }


class RollUpOutput(serializers.ModelSerializer):
    indicator = serializers.CharField(source="indicator.code")

    class Meta:
        model = RollUp
        fields = ["level", "key", "indicator", "as_of", "value", "subjects_reporting"]


class RollUpViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    permission_classes = [MonitoringReader]
    serializer_class = RollUpOutput

    def get_queryset(self):
        qs = RollUp.objects.select_related("indicator").order_by("level", "key", "as_of")
        params = self.request.query_params
        if params.get("level") in RollUpLevel.values:
            qs = qs.filter(level=params["level"])
        if params.get("key"):
            qs = qs.filter(key=params["key"])
        if params.get("indicator"):
            qs = qs.filter(indicator__code=params["indicator"])
        return qs


# ---- indicators, data sets and validation rules: read for every monitoring reader, write for the
# federal team (the same services as the setup pages) -------------------------------------------------


class MonitoringIndicatorOutput(serializers.ModelSerializer):
    part_of = serializers.CharField(source="part_of.code", allow_null=True, default=None)
    data_sets = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Indicator
        fields = [*inputs.INDICATOR_FIELDS, "data_sets"]


class MonitoringIndicatorInput(serializers.Serializer):
    code = serializers.CharField(max_length=50)
    name = core_fields.FreeTextField(multiline=False, max_length=300)
    unit = core_fields.FreeTextField(multiline=False, max_length=30, required=False, default="чел.")
    is_stock = serializers.BooleanField(required=False, default=True)
    aggregation = serializers.ChoiceField(
        choices=Aggregation.choices, required=False, default=Aggregation.SUM
    )
    direction = serializers.ChoiceField(choices=Direction.choices)
    part_of = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), required=False, allow_null=True, default=None
    )
    parts_are_exclusive = serializers.BooleanField(required=False, default=False)
    territory_level = serializers.ChoiceField(
        choices=TerritoryLevel.choices, required=False, default=TerritoryLevel.SUBJECT
    )
    order = core_fields.IntegerField(min_value=0, max_value=32_000, required=False, default=0)
    description = core_fields.FreeTextField(max_length=2000, required=False, allow_blank=True, default="")
    is_active = serializers.BooleanField(required=False, default=True)


class DataSetOutput(serializers.ModelSerializer):
    indicators = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    required_indicators = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = DataSet
        fields = DATA_SET_FORM_FIELDS


class DataSetInput(serializers.Serializer):
    code = serializers.CharField(max_length=50)
    name = core_fields.FreeTextField(multiline=False, max_length=300)
    period_type = serializers.ChoiceField(
        choices=PeriodType.choices, required=False, default=PeriodType.QUARTER
    )
    deadline_days = core_fields.IntegerField(
        min_value=1, max_value=366, required=False, default=DEFAULT_DEADLINE_DAYS
    )
    indicators = serializers.SlugRelatedField(slug_field="code", queryset=Indicator.objects.all(), many=True)
    required_indicators = serializers.SlugRelatedField(
        slug_field="code", queryset=Indicator.objects.all(), many=True, required=False, default=list
    )
    is_active = serializers.BooleanField(required=False, default=True)
    description = core_fields.FreeTextField(max_length=2000, required=False, allow_blank=True, default="")


class ValidationRuleOutput(serializers.ModelSerializer):
    class Meta:
        model = ValidationRule
        fields = list(inputs.RULE_FIELDS)


class ValidationRuleInput(serializers.Serializer):
    code = serializers.CharField(max_length=80)
    name = core_fields.FreeTextField(multiline=False, max_length=300)
    left = core_fields.FreeTextField(multiline=False, max_length=500)
    operator = serializers.ChoiceField(choices=Operator.choices)
    right = core_fields.FreeTextField(multiline=False, max_length=500)
    importance = serializers.ChoiceField(choices=Importance.choices, required=False, default=Importance.HIGH)
    message = core_fields.FreeTextField(multiline=False, max_length=500)
    is_active = serializers.BooleanField(required=False, default=True)


class _ConfigViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Read for every monitoring reader; create and change (PUT or PATCH) for the federal team only."""

    permission_classes = [MonitoringReader]
    lookup_field = "code"
    lookup_value_regex = "[a-z][a-z0-9_]*"
    input_class: type[serializers.Serializer]
    what = ""

    def save(self, instance, data):  # pragma: no cover - defined by each endpoint
        raise NotImplementedError

    def create(self, request, *args, **kwargs):
        services.require_configure(request.user)
        serializer = self.input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = self.save(None, dict(serializer.validated_data))
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        services.require_configure(request.user)
        instance = self.get_object()
        serializer = self.input_class(data=request.data, partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        saved = self.save(instance, dict(serializer.validated_data))
        return Response(self.get_serializer(saved).data)


@extend_schema_view(
    create=extend_schema(request=MonitoringIndicatorInput, responses={201: MonitoringIndicatorOutput}),
    update=extend_schema(request=MonitoringIndicatorInput, responses={200: MonitoringIndicatorOutput}),
    partial_update=extend_schema(
        request=MonitoringIndicatorInput, responses={200: MonitoringIndicatorOutput}
    ),
)
class IndicatorViewSet(_ConfigViewSet):
    serializer_class = MonitoringIndicatorOutput
    input_class = MonitoringIndicatorInput

    def get_queryset(self):
        return (
            Indicator.objects.select_related("part_of")
            .prefetch_related("data_sets")
            .order_by("order", "code")
        )

    def save(self, instance, data):
        return services.indicator_save(actor=self.request.user, indicator=instance, data=data)


@extend_schema_view(
    create=extend_schema(request=DataSetInput, responses={201: DataSetOutput}),
    update=extend_schema(request=DataSetInput, responses={200: DataSetOutput}),
    partial_update=extend_schema(request=DataSetInput, responses={200: DataSetOutput}),
)
class DataSetViewSet(_ConfigViewSet):
    serializer_class = DataSetOutput
    input_class = DataSetInput

    def get_queryset(self):
        return selectors.data_sets()

    def save(self, instance, data):
        return services.data_set_save(actor=self.request.user, data_set=instance, data=data)


@extend_schema_view(
    create=extend_schema(request=ValidationRuleInput, responses={201: ValidationRuleOutput}),
    update=extend_schema(request=ValidationRuleInput, responses={200: ValidationRuleOutput}),
    partial_update=extend_schema(request=ValidationRuleInput, responses={200: ValidationRuleOutput}),
)
class ValidationRuleViewSet(_ConfigViewSet):
    serializer_class = ValidationRuleOutput
    input_class = ValidationRuleInput

    def get_queryset(self):
        return selectors.validation_rules()

    def save(self, instance, data):
        return services.validation_rule_save(actor=self.request.user, rule=instance, data=data)


# ---- completeness and the analytics explorer --------------------------------------------------------


class RateOutput(serializers.Serializer):
    expected = serializers.IntegerField()
    received = serializers.IntegerField()
    on_time = serializers.IntegerField()
    overdue = serializers.IntegerField()
    completeness = serializers.FloatField(allow_null=True, help_text="Получено от ожидаемых, %")
    timeliness = serializers.FloatField(allow_null=True, help_text="Получено в срок от ожидаемых, %")


class QuarterRateOutput(RateOutput):
    as_of = serializers.DateField()
    deadline = serializers.DateField()


class CellOutput(serializers.Serializer):
    as_of = serializers.DateField()
    deadline = serializers.DateField()
    status = serializers.ChoiceField(choices=list(completeness.CellStatus.LABELS.items()))
    report_status = serializers.CharField(allow_null=True)
    submitted_on = serializers.DateField(allow_null=True)


class SubjectCompletenessOutput(serializers.Serializer):
    subject = serializers.CharField(source="subject.code")
    name = serializers.CharField(source="subject.name")
    cells = CellOutput(many=True)
    rate = RateOutput()


class CompletenessOutput(serializers.Serializer):
    quarters = QuarterRateOutput(many=True)
    total = RateOutput()
    subjects = SubjectCompletenessOutput(many=True)


def _rate(rate: completeness.Rate) -> dict:
    return {
        "expected": rate.expected,
        "received": rate.received,
        "on_time": rate.on_time,
        "overdue": rate.overdue,
        "completeness": round(rate.completeness, 2) if rate.completeness is not None else None,
        "timeliness": round(rate.timeliness, 2) if rate.timeliness is not None else None,
    }


class CompletenessView(APIView):
    """Completeness and timeliness of the quarterly reports of the subjects in the caller's scope
    (the same table as /monitoring/completeness/)."""

    permission_classes = [MonitoringReader]

    @extend_schema(
        parameters=[OpenApiParameter("quarters", int, description="Сколько последних кварталов (1–40), 4")],
        responses={200: CompletenessOutput},
    )
    def get(self, request):
        form = CompletenessForm(request.query_params or None)
        if form.is_bound and not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        count = (form.cleaned_data.get("quarters") if form.is_bound else None) or 4
        data = completeness.completeness_for(actor=request.user, count=count)
        return Response(
            {
                "quarters": [
                    {"as_of": as_of, "deadline": deadline, **_rate(rate)}
                    for as_of, deadline, rate in zip(
                        data.quarters, data.deadlines, data.by_quarter, strict=True
                    )
                ],
                "total": _rate(data.total),
                "subjects": [
                    {
                        "subject": line.subject.code,
                        "name": line.subject.name,
                        "cells": [
                            {
                                "as_of": cell.as_of,
                                "deadline": cell.deadline,
                                "status": cell.status,
                                "report_status": cell.report_status,
                                "submitted_on": cell.submitted_on,
                            }
                            for cell in line.cells
                        ],
                        "rate": _rate(line.rate),
                    }
                    for line in data.lines
                ],
            }
        )


class ExplorerValueOutput(serializers.Serializer):
    level = serializers.CharField()
    territory = serializers.CharField(help_text="Код субъекта, код округа, RU, pilot или id муниципалитета")
    territory_name = serializers.CharField()
    parent = serializers.CharField()
    indicator = serializers.CharField()
    as_of = serializers.DateField()
    value = serializers.IntegerField(allow_null=True)
    suppressed = serializers.BooleanField()
    subjects_reporting = serializers.IntegerField(allow_null=True)
    aggregation = serializers.CharField(
        help_text="Как значение сведено по субъектам: sum, average, none (не суммируется — значения нет); "
        "пусто для значения одной территории"
    )


EXPLORER_FIELDS = tuple(ExplorerValueOutput().fields)


class ExplorerOutput(serializers.Serializer):
    level = serializers.CharField()
    indicators = serializers.ListField(child=serializers.CharField())
    quarters = serializers.ListField(child=serializers.DateField())
    territory_count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    data = ExplorerValueOutput(many=True)


class ExplorerView(APIView):
    """The analytics explorer's query (the same parameters as /monitoring/explore/): accepted values
    only, territories in the caller's scope, small cells suppressed for roles without personal data."""

    permission_classes = [MonitoringReader]

    @extend_schema(
        parameters=[
            OpenApiParameter("indicator", str, many=True, required=True, description="Коды показателей"),
            OpenApiParameter("level", str, required=True, enum=explorer.Level.VALUES),
            OpenApiParameter("district", str, description="Код федерального округа (ограничить)"),
            OpenApiParameter("subject", str, description="Код субъекта РФ (ограничить)"),
            OpenApiParameter("start", str, required=True, description="Первый квартал ГГГГ-ММ-ДД"),
            OpenApiParameter("end", str, required=True, description="Последний квартал ГГГГ-ММ-ДД"),
            OpenApiParameter("page", int, description="Страница территорий"),
        ],
        responses={200: ExplorerOutput},
    )
    def get(self, request):
        form = ExplorerForm(request.query_params, actor=request.user, quarters=selectors.quarters())
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        query = form.query()
        result = explorer.run(actor=request.user, query=query)
        return Response(
            {
                "level": query.level,
                "indicators": [indicator.code for indicator in query.indicators],
                "quarters": query.quarters,
                "territory_count": result.territory_count,
                "page": result.page,
                "pages": result.pages,
                "data": [{key: row[key] for key in EXPLORER_FIELDS} for row in explorer.flat_rows(result)],
            }
        )
