"""API of territories and organisations: the same selectors, services and policy as the pages."""

import django_filters
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from vyzov.accounts.access import Perm, scope
from vyzov.accounts.api_access import CanUseApi
from vyzov.accounts.models import User
from vyzov.core import serializers as core_fields
from vyzov.core.text import normalize_for_search

from . import selectors, services
from .inputs import ORGANIZATION_FIELDS
from .models import Municipality, MunicipalityKind, Organization, OrganizationKind, Subject


class SearchNameFilter(django_filters.CharFilter):
    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(search_name__contains=normalize_for_search(value))


# ---- subjects -----------------------------------------------------------------------------------


class SubjectOutput(serializers.ModelSerializer):
    district = serializers.CharField(source="district.code")

    class Meta:
        model = Subject
        fields = [
            "code",
            "name",
            "district",
            "kind",
            "admin_centre",
            "timezone",
            "child_population",
            "is_pilot",
        ]


class SubjectFilter(django_filters.FilterSet):
    district = django_filters.CharFilter(field_name="district__code", label="Код федерального округа (ЦФО…)")
    is_pilot = django_filters.BooleanFilter()

    class Meta:
        model = Subject
        fields = ["district", "is_pilot"]


class SubjectViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [CanUseApi]
    serializer_class = SubjectOutput
    filterset_class = SubjectFilter
    lookup_field = "code"

    def get_queryset(self):
        return selectors.subject_list(actor=self.request.user).order_by("code")


# ---- municipalities -----------------------------------------------------------------------------


class MunicipalityOutput(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.code")

    class Meta:
        model = Municipality
        fields = ["id", "name", "subject", "kind", "population", "is_regional_centre"]


class MunicipalityFilter(django_filters.FilterSet):
    subject = django_filters.CharFilter(field_name="subject__code", label="Код субъекта РФ")
    kind = django_filters.ChoiceFilter(choices=MunicipalityKind.choices)
    q = SearchNameFilter(label="Поиск по названию")

    class Meta:
        model = Municipality
        fields = ["subject", "kind", "is_regional_centre"]


class MunicipalityViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [CanUseApi]
    serializer_class = MunicipalityOutput
    filterset_class = MunicipalityFilter

    def get_queryset(self):
        return selectors.municipality_list(actor=self.request.user)


# ---- organisations ------------------------------------------------------------------------------


class OrganizationOutput(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.code")

    class Meta:
        model = Organization
        fields = ["id", *ORGANIZATION_FIELDS, "version"]


class OrganizationInput(serializers.Serializer):
    """Subject and municipality are looked up within the caller's scope: another region's id is
    refused as if it did not exist."""

    name = core_fields.FreeTextField(multiline=False, max_length=300)
    short_name = core_fields.FreeTextField(multiline=False, max_length=150, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=OrganizationKind.choices)
    subject = serializers.SlugRelatedField(slug_field="code", queryset=Subject.objects.none(), required=False)
    municipality = serializers.PrimaryKeyRelatedField(
        queryset=Municipality.objects.none(), required=False, allow_null=True
    )
    address = core_fields.FreeTextField(multiline=False, max_length=300, required=False, allow_blank=True)
    capacity = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=5000)
    inn = serializers.CharField(max_length=12, required=False, allow_blank=True)
    phone = serializers.CharField(max_length=50, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    website = serializers.URLField(required=False, allow_blank=True)
    is_active = serializers.BooleanField(required=False)
    version = serializers.IntegerField(required=False, help_text="Обязательна при изменении.")

    def __init__(self, *args, actor: User | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if actor is None:  # schema generation: no caller, no choices
            return
        municipalities = scope(actor, Municipality.objects.all(), Perm.ORGANIZATIONS_MANAGE)
        self.fields["municipality"].queryset = municipalities
        self.fields["subject"].queryset = selectors.subjects_in_reach(
            actor=actor, perm=Perm.ORGANIZATIONS_MANAGE
        )

    def validate(self, attrs):
        creating = self.instance is None
        if creating and not attrs.get("subject") and not attrs.get("municipality"):
            raise serializers.ValidationError({"subject": "Укажите субъект РФ."})
        if not creating and "version" not in attrs:
            raise serializers.ValidationError({"version": "Укажите версию записи, которую вы изменяете."})
        return attrs


class OrganizationFilter(django_filters.FilterSet):
    subject = django_filters.CharFilter(field_name="subject__code", label="Код субъекта РФ")
    kind = django_filters.ChoiceFilter(choices=OrganizationKind.choices)
    q = SearchNameFilter(label="Поиск по названию")

    class Meta:
        model = Organization
        fields = ["subject", "municipality", "kind", "is_active"]


class OrganizationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    permission_classes = [CanUseApi]
    serializer_class = OrganizationOutput
    filterset_class = OrganizationFilter

    def get_queryset(self):
        return selectors.organization_list(actor=self.request.user)

    def get_serializer_class(self):
        return (
            OrganizationInput if self.action in ("create", "update", "partial_update") else OrganizationOutput
        )

    def get_serializer(self, *args, **kwargs):
        if self.action in ("create", "update", "partial_update"):
            kwargs["actor"] = self.request.user
        return super().get_serializer(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        data = self._input(request, instance=None)
        organization = services.organization_create(actor=request.user, data=data)
        return Response(OrganizationOutput(organization).data, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        organization = self.get_object()
        data = self._input(request, instance=organization, partial=kwargs.get("partial", False))
        version = data.pop("version")
        organization = services.organization_update(
            actor=request.user, organization=organization, data=data, expected_version=version
        )
        return Response(OrganizationOutput(organization).data)

    def _input(self, request, *, instance, partial=False) -> dict:
        serializer = OrganizationInput(
            data=request.data, instance=instance, partial=partial, actor=request.user
        )
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)
