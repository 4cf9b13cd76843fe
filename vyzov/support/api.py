"""Family support API: services (kind, level, coordinator), their staff (specialisation and
qualifications), family cases (no personal data; children's outcomes), clubs, supervision sessions."""

from rest_framework import mixins, serializers, viewsets

from vyzov.accounts.access import Perm
from vyzov.accounts.api_access import CanUseApi, PersonalFieldsMixin, scoped_for_api
from vyzov.accounts.privacy import date_for, sees_personal

from .models import ChildOutcome, Club, FamilyCase, Service, Specialist, SupervisionSession


class ServiceOutput(serializers.ModelSerializer):
    name = serializers.CharField(source="organization.name")
    subject = serializers.CharField(source="organization.subject.code")

    class Meta:
        model = Service
        fields = ["id", "name", "subject", "capacity", "kind", "level", "coordinator"]


class SpecialistOutput(serializers.ModelSerializer):
    qualified_club_leader = serializers.BooleanField(read_only=True)

    class Meta:
        model = Specialist
        fields = [
            "id",
            "service",
            "full_name",
            "position",
            "kind",
            "is_active",
            "profile_education",
            "club_course_on",
            "supervisor_trained_on",
            "supervisor_trained_by",
            "qualified_club_leader",
        ]


class ChildOutcomeOutput(serializers.ModelSerializer):
    class Meta:
        model = ChildOutcome
        fields = ["number", "outcome", "date"]


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
            "child_outcomes",
        ]

    child_outcomes = ChildOutcomeOutput(many=True, read_only=True)

    def to_representation(self, instance):
        """The children's outcome dates are the family's dates: shown like intake_date (coarsened without
        the right to personal data)."""
        data = super().to_representation(instance)
        actor = getattr(self.context.get("request"), "user", None)
        if not sees_personal(actor, instance):
            for row, outcome in zip(data["child_outcomes"], instance.child_outcomes.all(), strict=True):
                row["date"] = date_for(actor, outcome.date, instance, iso=True)
        return data


class ClubOutput(serializers.ModelSerializer):
    class Meta:
        model = Club
        fields = ["id", "service", "title", "leader"]


class SupervisionOutput(serializers.ModelSerializer):
    format = serializers.CharField(source="format.title")

    class Meta:
        model = SupervisionSession
        fields = ["id", "service", "format", "date", "supervisor", "hours", "participants", "cases"]


class ServiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = ServiceOutput

    def get_queryset(self):
        return scoped_for_api(
            self, Service.objects.select_related("organization__subject"), Perm.SUPPORT_VIEW, order_by="-id"
        )


class SpecialistViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = SpecialistOutput

    def get_queryset(self):
        qs = scoped_for_api(self, Specialist.objects.all(), Perm.SUPPORT_VIEW, order_by="-id")
        service = self.request.query_params.get("service", "")
        return qs.filter(service=service) if service.isdigit() else qs


class FamilyCaseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = FamilyCaseOutput

    def get_queryset(self):
        qs = scoped_for_api(
            self, FamilyCase.objects.prefetch_related("child_outcomes"), Perm.SUPPORT_VIEW, order_by="-id"
        )
        status = self.request.query_params.get("status")
        return qs.filter(status=status) if status in ("open", "closed") else qs


class ClubViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = ClubOutput

    def get_queryset(self):
        return scoped_for_api(self, Club.objects.all(), Perm.SUPPORT_VIEW, order_by="-id")


class SupervisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = SupervisionOutput

    def get_queryset(self):
        return scoped_for_api(
            self,
            SupervisionSession.objects.select_related("format").prefetch_related("participants", "cases"),
            Perm.SUPPORT_VIEW,
            order_by="-id",
        )
