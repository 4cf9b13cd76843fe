"""Family support API: services, family cases (no personal data), clubs, supervision sessions."""

from rest_framework import mixins, serializers, viewsets

from vyzov.accounts.access import Perm, scope
from vyzov.accounts.api_access import CanUseApi, PersonalFieldsMixin

from .models import Club, FamilyCase, Service, SupervisionSession


class ServiceOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="organization.name")
    subject = serializers.CharField(source="organization.subject.code")

    class Meta:
        model = Service
        fields = ["id", "name", "subject", "capacity"]


class FamilyCaseOutput(PersonalFieldsMixin, serializers.ModelSerializer):
    personal_dates = ("intake_date", "closed_on")

    class Meta:
        model = FamilyCase
        fields = [
            "id",
            "service",
            "family",
            "specialist",
            "referral",
            "intake_date",
            "risk_level",
            "next_review_date",
            "status",
            "closed_on",
            "outcome",
            "children_count",
        ]


class ClubOutput(serializers.ModelSerializer):
    class Meta:
        model = Club
        fields = ["id", "service", "title"]


class SupervisionOutput(serializers.ModelSerializer):
    format = serializers.CharField(source="format.title")

    class Meta:
        model = SupervisionSession
        fields = ["id", "service", "format", "date", "supervisor", "hours", "participants", "cases"]


def _scoped(viewset, queryset):
    if getattr(viewset, "swagger_fake_view", False):
        return queryset.none()
    return scope(viewset.request.user, queryset, Perm.SUPPORT_VIEW).order_by("-id")


class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = ServiceOutput

    def get_queryset(self):
        return _scoped(self, Service.objects.select_related("organization__subject"))


class FamilyCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = FamilyCaseOutput

    def get_queryset(self):
        qs = _scoped(self, FamilyCase.objects.all())
        status = self.request.query_params.get("status")
        return qs.filter(status=status) if status in ("open", "closed") else qs


class ClubViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = ClubOutput

    def get_queryset(self):
        return _scoped(self, Club.objects.all())


class SupervisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = SupervisionOutput

    def get_queryset(self):
        return _scoped(
            self,
            SupervisionSession.objects.select_related("format").prefetch_related("participants", "cases"),
        )
