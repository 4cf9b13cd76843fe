"""Signals API: list and card without names or free text (ids, categories, dates to the month for
those without personal data), and registration through the same service as the page."""

from typing import Any, cast

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from vyzov.accounts.access import Perm, scope
from vyzov.accounts.api_access import CanUseApi, PersonalFieldsMixin, require_somewhere
from vyzov.accounts.models import User
from vyzov.core import serializers as core_fields
from vyzov.territories.models import Municipality

from . import selectors, services
from .models import Alert, AlertSource


class AlertOutput(PersonalFieldsMixin, serializers.ModelSerializer):
    personal_dates = ("received_on", "checked_on")
    subject = serializers.CharField(source="subject.code")
    check_deadline = serializers.DateField(source="check_item.deadline", allow_null=True, default=None)
    check_executor = serializers.IntegerField(source="check_item.executor_id", allow_null=True, default=None)

    class Meta:
        model = Alert
        fields = [
            "id",
            "subject",
            "municipality",
            "received_on",
            "source",
            "family",
            "child",
            "status",
            "check_item",
            "check_deadline",
            "check_executor",
            "outcome",
            "checked_on",
            "family_case",
        ]


class AlertInput(serializers.Serializer):
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.none())
    received_on = serializers.DateField()
    source = serializers.ChoiceField(choices=AlertSource.choices)  # type: ignore[assignment]
    source_detail = core_fields.FreeTextField(
        multiline=False, max_length=300, required=False, allow_blank=True
    )
    content = core_fields.FreeTextField(max_length=5000)
    person_description = core_fields.FreeTextField(max_length=2000, required=False, allow_blank=True)
    family = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    child = serializers.IntegerField(min_value=1, required=False, allow_null=True)

    def __init__(self, *args, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is None:  # schema generation
            return
        choices = scope(actor, Municipality.objects.all(), Perm.CASES_EDIT)
        cast(Any, self.fields["municipality"]).queryset = choices


class AlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = AlertOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Alert.objects.none()
        params = self.request.query_params
        filters = {key: params.get(key) for key in ("status", "source", "outcome", "municipality")}
        filters["overdue"] = params.get("overdue") in ("1", "true")
        return selectors.alert_list(actor=self.request.user, filters=filters)

    def retrieve(self, request, pk=None):
        alert = selectors.alert_get(actor=request.user, pk=pk)
        return Response(AlertOutput(alert, context={"request": request}).data)

    @extend_schema(request=AlertInput, responses={201: AlertOutput})
    def create(self, request):
        require_somewhere(request.user, Perm.CASES_EDIT, action="регистрировать сигналы")
        serializer = AlertInput(data=request.data, actor=request.user)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        family_number, child_number = data.pop("family", None), data.pop("child", None)
        family = selectors.family_for_alert(actor=request.user, number=family_number)
        child = selectors.child_for_alert(actor=request.user, number=child_number)
        if family_number is not None and family is None:
            raise serializers.ValidationError(
                {"family": ["Семья с таким номером не найдена в вашем реестре."]}
            )
        if child_number is not None and child is None:
            raise serializers.ValidationError(
                {"child": ["Ребёнок с таким номером не найден в вашем реестре."]}
            )
        alert = services.alert_register(
            actor=request.user, municipality=data.pop("municipality"), data=data, family=family, child=child
        )
        alert = selectors.alert_get(actor=request.user, pk=alert.pk)
        return Response(AlertOutput(alert, context={"request": request}).data, status=201)
