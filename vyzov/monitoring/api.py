"""Monitoring API: figures (read; write for those who may enter them), progress per region, roll-ups."""

import datetime as dt

from django.core.exceptions import ValidationError
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from vyzov.accounts.access import Perm, has_perm, scope
from vyzov.accounts.api_access import CanUseApi, require_somewhere
from vyzov.core import serializers as core_fields
from vyzov.territories.models import Municipality, Subject

from . import selectors, services
from .models import Figure, Indicator, RollUp, RollUpLevel, validate_quarter_date


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

    def __init__(self, *args, actor=None, **kwargs):
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
        item = services.FigureInput(
            data["indicator"], data["value"], data.get("comment", ""), data.get("municipality")
        )
        report, _changed = services.figures_enter(
            actor=request.user, subject=data["subject"], as_of=data["as_of"], inputs=[item]
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
        rows = []
        for row in selectors.subject_rows():
            p = row.progress
            rows.append(
                {
                    "subject": row.subject.code,
                    "name": row.subject.name,
                    "is_pilot": row.subject.is_pilot,
                    "baseline": row.baseline,
                    "latest": row.latest,
                    "latest_date": p.latest_date if p else None,
                    "change_percent": round(p.change_percent, 2)
                    if p and p.change_percent is not None
                    else None,
                    "share_of_way": round(p.share_of_way, 2) if p and p.share_of_way is not None else None,
                    "forecast": round(p.forecast) if p and p.forecast is not None else None,
                    "status": p.status if p else "no_data",
                }
            )
        return Response(rows)


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
