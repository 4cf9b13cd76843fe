"""«Многодетная» as a family attribute of the register, counted by the aid report beside the count
derived from the requests' children."""

import pytest
from django.urls import reverse

from conftest import centre, login
from vyzov.cases.models import Family
from vyzov.ngo_aid import services

from .test_ngo_aid import funded, new_request, sop_family

pytestmark = pytest.mark.django_db


def test_the_register_marks_a_family_large_and_the_aid_report_counts_it(
    operator_irkutsk, irkutsk, forms, fed_admin, curator_altai, client
):
    funded(irkutsk, operator_irkutsk, amount="500000.00")
    families = [sop_family(), sop_family()]
    Family.objects.filter(pk=families[0].pk).update(is_large=True)
    for family in families:
        aid = new_request(operator_irkutsk, irkutsk, family, forms)
        services.aid_request_submit(
            actor=operator_irkutsk, request=aid, crisis_confirmed=True, result_confirmed=True
        )
        services.aid_request_approve(actor=operator_irkutsk, request=aid, amount="10000")
    login(client, fed_admin)
    page = client.get(reverse("ngo_aid:report"))
    assert page.context["report"].large_families_marked == 1
    assert "отмечены в реестре как многодетные" in page.content.decode()
    # The family form sets the attribute (a curator of the family's region).
    login(client, curator_altai)
    response = client.post(
        reverse("cases:family_create"),
        {"title": "Семья Многодетовых", "municipality": centre("22").pk, "is_large": "true"},
    )
    assert response.status_code == 302
    family = Family.objects.get(title="Семья Многодетовых")
    assert family.is_large
    card = client.get(reverse("cases:family_detail", args=[family.pk])).content.decode()
    assert "Многодетная" in card
