"""One field list for a user's profile (vyzov/accounts/inputs.py): the page's form asks for the fields of
the list, and a key the list does not name (a flag, a password) never reaches the user."""

import pytest

from vyzov.accounts import forms, inputs, services
from vyzov.accounts.access import NotInScope
from vyzov.accounts.models import User

pytestmark = pytest.mark.django_db


def test_the_profile_form_asks_for_the_fields_of_the_list():
    assert list(forms.UserUpdateForm().fields) == inputs.USER_PROFILE_FIELDS


def test_curator_altai_cannot_make_a_municipal_specialist_a_superuser(curator_altai, municipal_barnaul):
    data = {"position": "Главный специалист", "is_superuser": True, "is_staff": True, "username": "root"}
    services.user_update(actor=curator_altai, user=municipal_barnaul, data=data)  # type: ignore[arg-type]
    user = User.objects.get(pk=municipal_barnaul.pk)
    assert user.position == "Главный специалист"
    assert not user.is_superuser and not user.is_staff and user.username == "municipal_barnaul"


def test_curator_perm_does_not_find_an_altai_user(curator_perm, municipal_barnaul):
    with pytest.raises(NotInScope):
        services.user_update(actor=curator_perm, user=municipal_barnaul, data={"position": "Никто"})
    municipal_barnaul.refresh_from_db()
    assert municipal_barnaul.position != "Никто"
