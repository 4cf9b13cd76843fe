"""Leak 4: in blind review the applicant's municipality and subject, in their usual Russian forms, are
masked in every text the expert reads (answers, practices, file captions), and the page says so."""

from types import SimpleNamespace

import pytest
from django.urls import reverse

from conftest import centre, login
from vyzov.contests import services
from vyzov.contests.blind import MASK, NOTICE, mask_territory
from vyzov.contests.models import ApplicationFile, ApplicationPractice, Criterion
from vyzov.contests.tests.test_contests import accepted_application, expert_from, make_contest

pytestmark = pytest.mark.django_db


def applicant(settlement, subject):
    return SimpleNamespace(
        settlement_name=settlement,
        municipality_id=1,
        municipality=SimpleNamespace(name=settlement),
        subject_id=1,
        subject=SimpleNamespace(name=subject),
    )


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Школа ответственного родительства (Барнаул)", f"Школа ответственного родительства ({MASK})"),
        ("В Барнауле и барнаульских школах", f"В {MASK} и {MASK} школах"),
        ("Опыт Барнаула, гордость барнаульцев", f"Опыт {MASK}, гордость {MASK}"),
        ("Министерство Алтайского края", f"Министерство {MASK}"),
        ("алтайские семьи", f"{MASK} семьи"),
        ("Алтайский край", MASK),
    ],
)
def test_mask_territory_catches_the_usual_forms(text, masked):
    assert mask_territory(text, applicant("Барнаул", "Алтайский край")) == masked


@pytest.mark.parametrize(
    "text",
    ["Бийск и Новосибирск", "в крае 10 школ", "перманентный контроль", "Школа родителей", ""],
)
def test_mask_territory_leaves_other_words(text):
    assert mask_territory(text, applicant("Барнаул", "Алтайский край")) == text
    assert mask_territory(text, applicant("Пермь", "Пермский край")) == text


def test_mask_territory_other_names():
    perm = applicant("Пермь", "Пермский край")
    assert mask_territory("В Перми и Пермском крае", perm) == f"В {MASK} и {MASK}"
    nn = applicant("Нижний Новгород", "Нижегородская область")
    assert mask_territory("в Нижнем Новгороде, Нижегородской области", nn) == f"в {MASK}, {MASK}"


def _application(fed_admin, *, blind):
    contest = make_contest(fed_admin, blind=blind)
    application = accepted_application(fed_admin, contest, centre("22"))
    answer = application.answers.get()
    answer.text = "В Барнауле работает совет жителей Алтайского края."
    answer.save()
    ApplicationPractice.objects.create(
        application=application,
        criterion=Criterion.objects.filter(criteria_set__contest=contest).first(),
        title="Школа ответственного родительства (Барнаул)",
        organization="Центр «Семья» г. Барнаула",
        description="Барнаульские семьи учатся вместе.",
    )
    ApplicationFile.objects.create(
        application=application, file="contests/x.pdf", original_name="Отчёт Барнаул.pdf", size=10
    )
    expert = expert_from("63", "expert_from_samara")
    services.expert_assign(actor=fed_admin, application=application, expert=expert)
    return application, expert


@pytest.mark.parametrize("url_name", ["contests:score", "contests:application_detail"])
def test_blind_expert_pages_mask_the_territory_and_say_so(url_name, fed_admin, client):
    application, expert = _application(fed_admin, blind=True)
    login(client, expert)
    response = client.get(reverse(url_name, args=[application.pk]))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Барнаул" not in text and "барнаул" not in text.lower()
    assert "Алтайского" not in text
    assert MASK in text and NOTICE in text
    assert "Школа ответственного родительства" in text  # the rest of the text stays


def test_manager_and_non_blind_experts_see_the_texts_as_written(fed_admin, client):
    application, _expert = _application(fed_admin, blind=True)
    login(client, fed_admin)
    text = client.get(reverse("contests:application_detail", args=[application.pk])).content.decode()
    assert "Школа ответственного родительства (Барнаул)" in text and NOTICE not in text


def test_experts_of_an_open_contest_see_the_texts_as_written(fed_admin, client):
    open_application, open_expert = _application(fed_admin, blind=False)
    login(client, open_expert)
    text = client.get(reverse("contests:score", args=[open_application.pk])).content.decode()
    assert "Школа ответственного родительства (Барнаул)" in text and NOTICE not in text
