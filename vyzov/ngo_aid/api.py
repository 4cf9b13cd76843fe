"""Targeted aid API: requests, payments and the aggregate report — same services and policy as pages."""

import datetime as dt

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from vyzov.accounts.access import NotInScope, Perm, has_perm
from vyzov.accounts.api_access import CanUseApi, PersonalFieldsMixin
from vyzov.core import serializers as core_fields

from . import selectors, services
from .models import AidForm, AidRequest, Operator, Payment, ReferralChannel


class LineOutput(serializers.Serializer):
    form = serializers.CharField(source="form.code")
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    in_kind = serializers.CharField()


class AidRequestOutput(PersonalFieldsMixin, serializers.ModelSerializer):
    personal_texts = ("decision_note",)

    lines = LineOutput(many=True, read_only=True)
    requested = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True, allow_null=True)

    class Meta:
        model = AidRequest
        fields = [
            "id",
            "operator",
            "subject",
            "family",
            "children_count",
            "channel",
            "status",
            "version",
            "requested",
            "approved_amount",
            "decision_note",
            "outcome",
            "eligibility",
            "lines",
        ]


class LineInput(serializers.Serializer):
    form = serializers.SlugRelatedField(slug_field="code", queryset=AidForm.objects.filter(is_active=True))
    amount = core_fields.DecimalField(max_digits=14, decimal_places=2, required=False, allow_null=True)
    in_kind = core_fields.FreeTextField(
        multiline=False, max_length=300, required=False, allow_blank=True, default=""
    )


class AidRequestInput(serializers.Serializer):
    family = serializers.IntegerField(min_value=1)
    children_count = serializers.IntegerField(min_value=1, max_value=30)
    channel = serializers.ChoiceField(choices=ReferralChannel.choices)
    justification = core_fields.FreeTextField(max_length=5000)
    lines = LineInput(many=True)


class AidRequestUpdateInput(serializers.Serializer):
    """A draft or a returned request: the fields of creation except the family, and the version read."""

    version = serializers.IntegerField(min_value=1)
    children_count = serializers.IntegerField(min_value=1, max_value=30)
    channel = serializers.ChoiceField(choices=ReferralChannel.choices)
    justification = serializers.CharField(max_length=5000)
    lines = LineInput(many=True)


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class PaymentInput(serializers.Serializer):
    amount = core_fields.DecimalField(max_digits=14, decimal_places=2)
    paid_on = serializers.DateField()
    payee = core_fields.FreeTextField(multiline=False, max_length=300)
    document = core_fields.FreeTextField(multiline=False, max_length=200)


class PaymentOutput(serializers.ModelSerializer):
    class Meta:
        model = Payment
        fields = ["id", "request", "amount", "paid_on", "payee", "document"]


class AidRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = AidRequestOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return AidRequest.objects.none()
        return selectors.request_list(actor=self.request.user).prefetch_related("lines__form")

    @extend_schema(request=AidRequestInput, responses={201: AidRequestOutput})
    def create(self, request):
        # The permission first, then the family through the policy: no answer tells a user who may not
        # create requests, or a family outside their scope, anything about the register.
        if not selectors.request_creator(actor=request.user):
            raise PermissionDenied("Вам не разрешено создавать заявки.")
        serializer = AidRequestInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        family_id = data.pop("family")
        lines = [dict(line) for line in data.pop("lines")]
        try:
            aid = services.aid_request_create_for_family(
                actor=request.user, family_id=family_id, data=data, lines=lines
            )
        except NotInScope:
            raise NotFound("Семья не найдена.") from None
        return Response(
            AidRequestOutput(
                selectors.request_get(actor=request.user, pk=aid.pk), context={"request": request}
            ).data,
            status=201,
        )

    @extend_schema(request=AidRequestUpdateInput, responses={200: AidRequestOutput})
    def update(self, request, pk=None):
        aid = self.get_object()
        serializer = AidRequestUpdateInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        services.aid_request_update(
            actor=request.user,
            request=aid,
            expected_version=data.pop("version"),
            lines=[dict(line) for line in data.pop("lines")],
            data=data,
        )
        return Response(AidRequestOutput(selectors.request_get(actor=request.user, pk=aid.pk)).data)

    @extend_schema(request=WithdrawInput, responses={200: AidRequestOutput})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        aid = self.get_object()
        serializer = WithdrawInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.aid_request_withdraw(actor=request.user, request=aid, **serializer.validated_data)
        return Response(AidRequestOutput(selectors.request_get(actor=request.user, pk=aid.pk)).data)

    @extend_schema(request=PaymentInput, responses={201: PaymentOutput})
    @action(detail=True, methods=["post"])
    def payments(self, request, pk=None):
        aid = self.get_object()
        serializer = PaymentInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        payment = services.payment_add(actor=request.user, request=aid, **serializer.validated_data)
        return Response(PaymentOutput(payment).data, status=201)


class ReportView(APIView):
    """Aggregates only: families, children, sums by form and by source, outcomes."""

    permission_classes = [CanUseApi]

    @extend_schema(
        responses={200: dict},
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, description="С даты (ГГГГ-ММ-ДД)"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="По дату (ГГГГ-ММ-ДД)"),
        ],
    )
    def get(self, request):
        if not has_perm(request.user, Perm.NGO_AID_REPORTS):
            raise NotFound()
        today = dt.date.today()
        try:
            date_from = dt.date.fromisoformat(request.query_params.get("from", f"{today.year}-01-01"))
            date_to = dt.date.fromisoformat(request.query_params.get("to", today.isoformat()))
        except ValueError:
            raise serializers.ValidationError({"from": "Даты в формате ГГГГ-ММ-ДД."}) from None
        data = selectors.report(actor=request.user, date_from=date_from, date_to=date_to)
        return Response(
            {
                "from": date_from,
                "to": date_to,
                "families": data.families,
                "children": data.children,
                "approved": data.approved,
                "paid": data.paid,
                "by_form": [
                    {"form": title, "amount": total, "requests": count}
                    for title, total, count in data.by_form
                ],
                "incomes_by_source": [
                    {"source": title, "amount": total} for title, total in data.incomes_by_source
                ],
                "outcomes": [{"outcome": title, "requests": count} for title, count in data.outcomes],
            }
        )


class OperatorOutput(serializers.ModelSerializer):
    """The regional NGO operator and its appointment (004: the criteria of the choice, the roles)."""

    organization = serializers.CharField(source="organization.name")
    subject = serializers.CharField(source="subject.code")

    class Meta:
        model = Operator
        fields = [
            "id",
            "organization",
            "subject",
            "is_active",
            "appointed_on",
            *Operator.CRITERIA,
            "selection_note",
            *Operator.ROLES,
        ]


class OperatorViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Read only: the appointment is recorded on the fund page by whoever keeps the region's
    organisations (ngo_aid.services.operator_appointment_record)."""

    permission_classes = [CanUseApi]
    serializer_class = OperatorOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Operator.objects.none()
        return selectors.operator_list(actor=self.request.user).order_by("subject__code")
