"""The UI shell: home figures per role, navigation per role, error pages in Russian."""

import pytest
from django.test import override_settings
from django.urls import reverse

from conftest import centre, login, make_org

pytestmark = pytest.mark.django_db


def nav_labels(response):
    """Every link of the navigation, groups opened."""
    labels = []
    for item in response.context["nav_items"]:
        labels += [child["label"] for child in item["children"]] if "children" in item else [item["label"]]
    return labels


def test_home_of_curator_shows_altai_figures_only(client, curator_altai, home_barnaul, home_biysk, home_perm):
    login(client, curator_altai)
    response = client.get(reverse("core:home"))
    assert response.context["subject_count"] == 1
    assert response.context["organization_count"] == 2
    assert response.context["municipality_count"] == 11  # Алтайский край's reference municipalities
    assert response.context["user_count"] == 1
    labels = nav_labels(response)
    assert {"Ситуационный центр", "Реестр детей", "Консилиумы", "Пользователи", "Журнал аудита"} <= set(
        labels
    )


def test_home_of_municipal_specialist(client, municipal_barnaul, home_barnaul, home_biysk):
    login(client, municipal_barnaul)
    response = client.get(reverse("core:home"))
    assert response.context["subject_count"] == 0
    assert response.context["municipality_count"] == 1
    assert response.context["organization_count"] == 1
    assert "user_count" not in response.context
    labels = set(nav_labels(response))
    assert {"Территории", "Организации", "Реестр детей", "Семьи", "Консилиумы"} <= labels
    assert not labels & {"Пользователи", "Журнал аудита", "Ситуационный центр"}


def test_home_shows_register_figures_of_the_scope(client, curator_altai, home_barnaul, home_perm):
    from vyzov.cases.tests.factories import make_child, place

    place(make_child(centre("22")), home_barnaul)
    make_child(centre("22"))
    place(make_child(centre("59")), home_perm)
    login(client, curator_altai)
    response = client.get(reverse("core:home"))
    assert response.context["children_placed"] == 1
    assert response.context["children_total"] == 2


def test_home_of_staff_counts_their_organization(client, staff_barnaul_home):
    make_org("Соседний центр", municipality=centre("22"))
    login(client, staff_barnaul_home)
    response = client.get(reverse("core:home"))
    assert response.context["organization_count"] == 1


def test_home_of_expert_has_no_territory_figures(client, expert_samara, home_barnaul):
    login(client, expert_samara)
    response = client.get(reverse("core:home"))
    assert "organization_count" not in response.context
    assert nav_labels(response) == ["Главная", "Конкурсы «Город детей – город семей»", "Библиотека практик"]


def test_home_of_federal_admin(client, fed_admin, home_barnaul, home_perm):
    login(client, fed_admin)
    response = client.get(reverse("core:home"))
    assert response.context["subject_count"] == 89
    assert response.context["organization_count"] == 2
    assert "audit_day_count" in response.context


def test_404_page_is_russian(client, curator_altai):
    login(client, curator_altai)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


def test_403_page_is_russian(client, analyst):
    login(client, analyst)
    response = client.get(reverse("audit:list"))
    assert response.status_code == 403
    assert "Доступ запрещён" in response.content.decode()


@override_settings(DEBUG=False)
def test_500_page_is_russian_and_needs_no_database(client):
    from vyzov.core.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Ошибка сервера" in response.content.decode()


def test_health_answers(client):
    assert client.get(reverse("core:health")).json() == {"status": "ok"}


def test_security_headers(client, curator_altai):
    login(client, curator_altai)
    response = client.get(reverse("core:home"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_pages_reference_only_local_assets(client, curator_altai):
    login(client, curator_altai)
    html = client.get(reverse("core:home")).content.decode()
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "https://" not in html


def test_fast_select_renders_like_django_select():
    from django import forms

    from vyzov.core.forms import FastSelect, StyledForm

    class ChoiceForm(StyledForm):
        colour = forms.ChoiceField(choices=[("", "—"), ("r", "<красный>"), ("g", "зелёный")])
        many = forms.MultipleChoiceField(choices=[("a", "A")], required=False)

    form = ChoiceForm({"colour": "g"})
    assert isinstance(form.fields["colour"].widget, FastSelect)
    assert not isinstance(form.fields["many"].widget, FastSelect)  # multiple selects keep Django's widget
    html = str(form["colour"])
    assert '<option value="g" selected>зелёный</option>' in html
    assert "&lt;красный&gt;" in html and "<красный>" not in html
    assert (
        'name="colour"' in html and 'id="id_colour"' in html and "form-select" in html and "required" in html
    )


def test_money_filter_groups_thousands_and_uses_a_decimal_comma():
    from decimal import Decimal

    from vyzov.core.templatetags.vyzov import money

    assert money(Decimal("38500")) == "38\u00a0500,00"
    assert money("1234567.891") == "1\u00a0234\u00a0567,89"
    assert money(Decimal("-5.5")) == "−5,50"
    assert money(None) == "—"
