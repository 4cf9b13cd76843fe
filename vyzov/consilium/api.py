"""Consilium API: consilia, meetings (with agenda), reviews and action items — same policy and services."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from vyzov.accounts.access import Perm, scope
from vyzov.accounts.api_access import CanUseApi, PersonalFieldsMixin
from vyzov.accounts.privacy import text_for
from vyzov.core import serializers as core_fields

from . import selectors, services
from .models import (
    ActionItem,
    ActionStatus,
    AgendaItem,
    Consilium,
    Decision,
    DocumentStep,
    FamilyAgendaItem,
    FamilyReview,
    InteragencyDocument,
    Meeting,
    Review,
)


class ConsiliumOutput(serializers.ModelSerializer):
    subject = serializers.CharField(source="subject.code")

    class Meta:
        model = Consilium
        fields = [
            "id",
            "title",
            "level",
            "region_model",
            "subject",
            "municipality",
            "organization",
            "seat",
            "chair_kind",
            "chair_name",
            "schedule",
            "is_active",
        ]


class ConsiliumViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = ConsiliumOutput

    def get_queryset(self):
        return scope(
            self.request.user, Consilium.objects.select_related("subject"), Perm.CONSILIUM_VIEW
        ).order_by("id")


class AgendaOutput(PersonalFieldsMixin, serializers.ModelSerializer):
    personal_texts = ("note",)

    class Meta:
        model = AgendaItem
        fields = ["child", "reasons", "note", "removed"]


class FamilyAgendaOutput(PersonalFieldsMixin, serializers.ModelSerializer):
    personal_texts = ("note",)

    def personal_object(self, instance):
        return instance.family

    class Meta:
        model = FamilyAgendaItem
        fields = ["family", "reasons", "note", "removed"]


class MeetingOutput(serializers.ModelSerializer):
    agenda = AgendaOutput(many=True, read_only=True)
    family_agenda = FamilyAgendaOutput(many=True, read_only=True)

    class Meta:
        model = Meeting
        fields = ["id", "consilium", "date", "place", "status", "agenda", "family_agenda"]


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = MeetingOutput

    def get_queryset(self):
        return scope(
            self.request.user,
            Meeting.objects.prefetch_related("agenda", "family_agenda__family"),
            Perm.CONSILIUM_VIEW,
        ).order_by("-date", "-id")


class ReviewOutput(serializers.ModelSerializer):
    decision = serializers.SerializerMethodField()

    class Meta:
        model = Review
        fields = [
            "id",
            "meeting",
            "child",
            "placement_justified",
            "family_measures",
            "return_prospect",
            "substitute_family",
            "parental_rights",
            "services_needed",
            "version",
            "decision",
        ]

    def get_decision(self, review) -> dict | None:
        decision = Decision.objects.filter(review=review).first()
        if decision is None:
            return None
        return {
            "route_goal": decision.route_goal,
            "reasons": text_for(getattr(self.context.get("request"), "user", None), decision.reasons, review),
            "next_review_date": decision.next_review_date,
            "escalate": decision.escalate,
        }


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = ReviewOutput

    def get_queryset(self):
        return scope(self.request.user, Review.objects.all(), Perm.CONSILIUM_VIEW).order_by("-id")


class FamilyReviewOutput(PersonalFieldsMixin, serializers.ModelSerializer):
    """A family at risk heard before any placement, with the prevention decision (free texts only for
    those who see the family's personal data)."""

    personal_texts = ("situation", "measures")

    def personal_object(self, instance):
        return instance.family

    class Meta:
        model = FamilyReview
        fields = [
            "id",
            "meeting",
            "family",
            "risk",
            "situation",
            "services_needed",
            "measures",
            "next_review_date",
            "escalate",
        ]


class FamilyReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    permission_classes = [CanUseApi]
    serializer_class = FamilyReviewOutput

    def get_queryset(self):
        return scope(
            self.request.user, FamilyReview.objects.select_related("family"), Perm.CONSILIUM_VIEW
        ).order_by("-id")


class DocumentStepOutput(serializers.ModelSerializer):
    class Meta:
        model = DocumentStep
        fields = ["number", "agency", "action", "term"]


class InteragencyDocumentOutput(serializers.ModelSerializer):
    """An algorithm or an ИПР edition with its steps; an ИПР's step texts only for those who see the
    child's or family's personal data."""

    steps = serializers.SerializerMethodField()

    class Meta:
        model = InteragencyDocument
        fields = [
            "id",
            "consilium",
            "kind",
            "title",
            "child",
            "family",
            "edition",
            "previous",
            "status",
            "approved_on",
            "approved_at",
            "review_date",
            "steps",
        ]

    def get_steps(self, document) -> list[dict]:
        actor = getattr(self.context.get("request"), "user", None)
        record = document.personal_record
        rows = DocumentStepOutput(document.steps.all(), many=True).data
        for row in rows:
            if record is not None:
                row["action"] = text_for(actor, row["action"], record)
        return list(rows)


class InteragencyDocumentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Algorithms and ИПР of the consilia in the caller's scope (all editions)."""

    permission_classes = [CanUseApi]
    serializer_class = InteragencyDocumentOutput

    def get_queryset(self):
        return scope(
            self.request.user,
            InteragencyDocument.objects.select_related("child", "family").prefetch_related("steps"),
            Perm.CONSILIUM_VIEW,
        ).order_by("id")


class ActionItemOutput(PersonalFieldsMixin, serializers.ModelSerializer):
    personal_texts = ("what", "result")

    overdue = serializers.BooleanField(source="is_overdue", read_only=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "what",
            "organization",
            "executor",
            "child",
            "family",
            "deadline",
            "status",
            "result",
            "done_on",
            "overdue",
        ]


class ActionItemUpdate(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionStatus.choices)
    result = core_fields.FreeTextField(max_length=3000, required=False, allow_blank=True, default="")


class ActionItemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Items of the caller's territory; `?mine=1` — only those assigned to the caller (any territory)."""

    permission_classes = [CanUseApi]
    serializer_class = ActionItemOutput

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation
            return ActionItem.objects.none()
        if self.request.query_params.get("mine") == "1":
            return selectors.my_action_items(actor=self.request.user, open_only=False)
        if self.action in ("retrieve", "progress"):
            return selectors.action_items_visible(actor=self.request.user).order_by("deadline", "id")
        return selectors.action_item_list(
            actor=self.request.user, filters={"state": self.request.query_params.get("state")}
        )

    @extend_schema(request=ActionItemUpdate, responses={200: ActionItemOutput})
    @action(detail=True, methods=["post"])
    def progress(self, request, pk=None):
        item = self.get_object()
        serializer = ActionItemUpdate(data=request.data)
        serializer.is_valid(raise_exception=True)
        item = services.action_item_update(actor=request.user, item=item, **serializer.validated_data)
        return Response(ActionItemOutput(item, context={"request": request}).data)
