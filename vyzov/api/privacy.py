"""API side of vyzov.accounts.privacy: output serializers name their personal dates and free text; for a
reader without personal-data rights dates go out as "YYYY-MM" and free text as the marker."""

from __future__ import annotations

from vyzov.accounts.privacy import HIDDEN_TEXT, date_for, sees_personal


class PersonalFieldsMixin:
    personal_dates: tuple[str, ...] = ()
    personal_texts: tuple[str, ...] = ()

    def personal_object(self, instance):
        """The record whose personal-data rights decide (the instance itself unless said otherwise)."""
        return instance

    def to_representation(self, instance):
        data = super().to_representation(instance)
        request = self.context.get("request")
        actor = getattr(request, "user", None)
        obj = self.personal_object(instance)
        if sees_personal(actor, obj):
            return data
        for name in self.personal_dates:
            if data.get(name):
                data[name] = date_for(actor, getattr(instance, name), obj, iso=True)
        for name in self.personal_texts:
            if data.get(name):
                data[name] = HIDDEN_TEXT
        return data
