"""Practice library API: `?q=` full-text search (Russian word forms on PostgreSQL) and filters by theme,
subject, category and year."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets

from vyzov.accounts.api_access import CanUseApi
from vyzov.core.params import parse_id

from . import selectors
from .models import LibraryDocument, Practice


class PracticeOutput(serializers.ModelSerializer):
    theme = serializers.CharField(source="theme.title", default=None, allow_null=True)
    subject = serializers.CharField(source="subject.code")

    class Meta:
        model = Practice
        fields = [
            "id",
            "title",
            "theme",
            "subject",
            "settlement",
            "organization",
            "description",
            "results",
            "year",
            "category",
            "source_note",
        ]


def _int(value: str | None) -> int | None:
    return parse_id(value)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="Поиск по словам (русские словоформы)"),
            OpenApiParameter("theme", int, description="Тема (id)"),
            OpenApiParameter("subject", int, description="Субъект РФ (id)"),
            OpenApiParameter("category", str, description="Категория конкурса"),
            OpenApiParameter("year", int, description="Год"),
        ]
    )
)
class PracticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = PracticeOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Practice.objects.none()
        params = self.request.query_params
        filters = selectors.Filters(
            q=params.get("q", ""),
            theme=_int(params.get("theme")),
            subject=_int(params.get("subject")),
            category=params.get("category", ""),
            year=_int(params.get("year")),
        )
        return selectors.search(actor=self.request.user, filters=filters)


class LibraryDocumentOutput(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.code", default=None, allow_null=True)
    theme = serializers.CharField(source="theme.title", default=None, allow_null=True)

    class Meta:
        model = LibraryDocument
        fields = ["id", "title", "kind_label", "subject", "theme", "description", "note", "source"]


class LibraryDocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The programme's documents in the library (the brochure's examples and attached materials)."""

    permission_classes = [CanUseApi]
    serializer_class = LibraryDocumentOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return LibraryDocument.objects.none()
        return selectors.documents_visible(actor=self.request.user)
