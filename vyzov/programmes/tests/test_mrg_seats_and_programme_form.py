"""002: the curator sits on the МРГ; the NGO operator's head and the head of the regional «Дети в семье»
service sit on the МРГ and the regional consilium — the МРГ page and the passport say what is missing,
without blocking anything. The programme's form («дорожная карта» / «комплекс мер») and 002's typical
measures as a template the region copies into its programme. The governance page: one view per form."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import login, make_org, subject
from vyzov.consilium.models import Consilium, Level, Member
from vyzov.ngo_aid.models import Operator
from vyzov.programmes import selectors, services
from vyzov.programmes.models import (
    Measure,
    ProgrammeFormat,
    StrategicSession,
    WorkingGroup,
    WorkingGroupSeat,
)
from vyzov.territories.models import OrganizationKind

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def altai_group(db):
    return WorkingGroup.objects.create(subject=subject("22"), title="МРГ Алтайского края")


def checks_by_seat(group):
    return {
        check.seat: check for check in selectors.working_group_checklist(subject=subject("22"), group=group)
    }


def test_the_checklist_names_what_is_missing_and_clears_as_people_join(
    altai_group, curator_altai, fed_admin, client
):
    checks = checks_by_seat(altai_group)
    assert checks[WorkingGroupSeat.CURATOR].missing == ["куратор региона не назначен", "нет в составе МРГ"]
    assert "НКО-оператор в регионе не назначен" in checks[WorkingGroupSeat.NGO_HEAD].missing
    services.curator_assign(
        actor=fed_admin, subject=subject("22"), full_name="Иванова Мария Петровна", position="", since=TODAY
    )
    # The curator is found by name even without the mark; the heads are marked when added.
    services.member_add(
        actor=curator_altai,
        group=altai_group,
        person="Иванова Мария Петровна",
        agency="Губернатор",
        role="член",
    )
    services.member_add(
        actor=curator_altai,
        group=altai_group,
        person="Громов Павел Ильич",
        agency="НКО «Опора»",
        role="член",
        seat=WorkingGroupSeat.NGO_HEAD,
    )
    Operator.objects.create(
        organization=make_org("НКО «Опора»", kind=OrganizationKind.NGO, subject_=subject("22")),
        subject=subject("22"),
    )
    checks = checks_by_seat(altai_group)
    assert checks[WorkingGroupSeat.CURATOR].ok
    assert checks[WorkingGroupSeat.NGO_HEAD].missing == ["региональный консилиум не создан"]
    assert checks[WorkingGroupSeat.SERVICE_HEAD].missing == ["нет в составе МРГ"]
    consilium = Consilium.objects.create(
        title="Региональный консилиум", level=Level.REGIONAL, subject=subject("22")
    )
    Member.objects.create(consilium=consilium, full_name="громов  павел ильич", agency="НКО")
    assert checks_by_seat(altai_group)[WorkingGroupSeat.NGO_HEAD].ok
    login(client, curator_altai)
    page = client.get(reverse("programmes:working_group", args=["22"])).content.decode()
    assert 'data-seat="ngo_head" data-ok="1"' in page
    assert 'data-seat="service_head" data-ok="0"' in page
    passport = client.get(reverse("programmes:passport", args=["22"])).content.decode()
    assert 'data-seat="service_head" data-ok="0"' in passport


def test_a_member_marked_by_the_page_is_saved_with_the_seat(altai_group, curator_altai, client):
    login(client, curator_altai)
    response = client.post(
        reverse("programmes:working_group_member_add", args=["22"]),
        {
            "person": "Соколова Ирина Андреевна",
            "agency": "Служба «Дети в семье»",
            "role": "член",
            "seat": "service_head",
        },
    )
    assert response.status_code == 302
    assert altai_group.members.get().seat == WorkingGroupSeat.SERVICE_HEAD


def test_the_programme_has_a_form_set_by_its_region_only(curator_altai, curator_perm, fed_analyst, client):
    programme = services.programme_create(
        actor=curator_altai,
        subject=subject("22"),
        title="Дорожная карта",
        start_year=2025,
        end_year=2026,
        programme_form=ProgrammeFormat.ROADMAP,
    )
    login(client, curator_altai)
    page = client.get(reverse("programmes:programme_detail", args=[programme.pk])).content.decode()
    assert "региональный план мероприятий («дорожная карта»)" in page
    url = reverse("programmes:programme_form_set", args=[programme.pk])
    assert client.post(url, {"programme_form": "measures_set"}).status_code == 302
    programme.refresh_from_db()
    assert programme.programme_form == ProgrammeFormat.MEASURES_SET
    client.post(url, {"programme_form": "nonsense"})
    programme.refresh_from_db()
    assert programme.programme_form == ProgrammeFormat.MEASURES_SET
    login(client, curator_perm)
    assert client.post(url, {"programme_form": "programme"}).status_code == 404
    login(client, fed_analyst)
    assert client.post(url, {"programme_form": "programme"}).status_code == 403
    programme.refresh_from_db()
    assert programme.programme_form == ProgrammeFormat.MEASURES_SET


def test_typical_measures_of_002_are_a_template_the_region_copies_into_its_measures(
    curator_altai, fed_analyst, client
):
    programme = services.programme_create(
        actor=curator_altai, subject=subject("22"), title="Программа", start_year=2025, end_year=2026
    )
    typical = services.typical_measures()
    assert len(typical) == 6 and all(row["direction_no"] for row in typical)
    first = typical[0]
    login(client, curator_altai)
    page = client.get(reverse("programmes:programme_detail", args=[programme.pk])).content.decode()
    assert "мобильные бригады" in page and 'id="id_typical1_title"' in page
    direction = programme.directions.get(number=int(first["direction_no"]))
    response = client.post(
        reverse("programmes:measure_add", args=[programme.pk]),
        {
            "direction": direction.pk,
            "title": first["item_text"],
            "responsible": "Министерство социальной защиты",
            "deadline": "31.12.2026",
        },
    )
    assert response.status_code == 302
    assert Measure.objects.get().direction == direction
    page = client.get(reverse("programmes:programme_detail", args=[programme.pk])).content.decode()
    assert page.count("уже в программе") == 1
    login(client, fed_analyst)
    page = client.get(reverse("programmes:programme_detail", args=[programme.pk])).content.decode()
    assert "мобильные бригады" in page and 'id="id_typical1_title"' not in page


def test_the_governance_page_posts_each_form_to_its_own_view_and_keeps_a_refused_one(
    curator_altai, curator_perm, client
):
    login(client, curator_altai)
    page = client.get(reverse("programmes:region_governance", args=["22"])).content.decode()
    for name in ("strategic_session_add", "inspection_add", "institution_plan_save"):
        assert f'action="{reverse(f"programmes:{name}", args=["22"])}"' in page
    url = reverse("programmes:strategic_session_add", args=["22"])
    future = (TODAY + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {"date": future, "participants": "40", "outcomes": "Приоритеты программы"})
    assert response.status_code == 400
    assert "Приоритеты программы" in response.content.decode()
    response = client.post(url, {"date": TODAY.isoformat(), "participants": "40", "outcomes": "Приоритеты"})
    assert response.status_code == 302
    assert StrategicSession.objects.count() == 1
    response = client.post(
        reverse("programmes:publication_add", args=["22"]), {"date": TODAY.isoformat(), "title": "Статья"}
    )
    assert response.status_code == 400
    assert "нет информационного партнёра" in response.content.decode()
    login(client, curator_perm)
    assert (
        client.post(url, {"date": TODAY.isoformat(), "participants": "1", "outcomes": "x"}).status_code == 404
    )
    assert StrategicSession.objects.count() == 1
