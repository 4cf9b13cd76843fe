"""Demo of targeted aid: the 14 operators named in the brochure, their funds, and the history of the
first three quarters of 2025 matching the brochure's results — about 60 million roubles, more than
600 families, 1 600 children (002, п. 4) — spread over the operators. Plus live requests of
Иркутская область for the demo operator account."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from vyzov.accounts.models import User
from vyzov.cases.models import Family, SocialStatusKind
from vyzov.ngo_aid import reference, services
from vyzov.ngo_aid.models import (
    AidForm,
    AidRequest,
    AidRequestLine,
    FundIncome,
    IncomeSource,
    Operator,
    Outcome,
    Payment,
    ReferralChannel,
    RequestStatus,
)
from vyzov.territories.reference import read_csv as read_territory_csv

FAMILIES, CHILDREN, TOTAL_RUB = 610, 1600, Decimal("59800000")
PERIOD = (dt.date(2025, 1, 10), dt.date(2025, 9, 30))
# Shares of the 2025 spending received by source; they add up to 1,1 — a 10 % reserve.
INCOME_SHARES = (
    (IncomeSource.GRANT, Decimal("0.5")),
    (IncomeSource.DONATIONS, Decimal("0.2")),
    (IncomeSource.EXTRABUDGETARY, Decimal("0.25")),
    (IncomeSource.SUBSIDY, Decimal("0.15")),
)


def _split(total: int, parts: int, rng: random.Random, *, minimum: int = 1) -> list[int]:
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    values = [max(minimum, int(total * w / sum(weights))) for w in weights]
    values[0] += total - sum(values)
    return values


@transaction.atomic
def load(*, seed: int = 2025) -> int:
    reference.load_forms()
    reference.ensure_operators(pilot_rows=read_territory_csv("vyzov_pilot_regions.csv"))
    if AidRequest.objects.exists():
        return 0
    rng = random.Random(seed)  # noqa: S311 — demo data
    operators = list(Operator.objects.select_related("fund", "subject").order_by("subject__code"))
    forms = list(AidForm.objects.order_by("order"))
    admin = User.objects.filter(username="fed_admin").first()
    per_operator = _split(FAMILIES, len(operators), rng, minimum=20)
    children_left, money_left = CHILDREN, TOTAL_RUB
    created = 0
    for index, (operator, family_count) in enumerate(zip(operators, per_operator, strict=True)):
        families = list(Family.objects.filter(subject=operator.subject_id).order_by("pk")[:family_count])
        last = index == len(operators) - 1
        for number, family in enumerate(families):
            remaining = len(families) - number + sum(per_operator[index + 1 :])
            kids = (
                children_left
                if last and number == len(families) - 1
                else max(
                    1,
                    min(
                        children_left - (remaining - 1),
                        round(children_left / remaining * rng.uniform(0.6, 1.4)),
                    ),
                )
            )
            amount = (
                money_left
                if last and number == len(families) - 1
                else (money_left / remaining * Decimal(str(rng.uniform(0.5, 1.5)))).quantize(Decimal("0.01"))
            )
            children_left -= kids
            money_left -= amount
            day = PERIOD[0] + dt.timedelta(days=rng.randrange((PERIOD[1] - PERIOD[0]).days))
            decided = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
            aid = AidRequest.objects.create(
                operator=operator,
                subject=operator.subject,
                family=family,
                children_count=kids,
                channel=rng.choice(ReferralChannel.values),
                justification="Демо: кризисная ситуация семьи.",
                status=RequestStatus.REPORTED,
                approved_amount=amount,
                decided_at=decided,
                outcome=rng.choices(
                    [
                        Outcome.RISK_REMOVED,
                        Outcome.PLACEMENT_PREVENTED,
                        Outcome.RETURNED_HOME,
                        Outcome.NO_EFFECT,
                    ],
                    weights=[5, 3, 2, 1],
                )[0],
                created_by=admin,
                updated_by=admin,
            )
            chosen = rng.sample(forms, k=rng.choice([1, 1, 2]))
            shares = _split(int(amount * 100), len(chosen), rng)
            AidRequestLine.objects.bulk_create(
                AidRequestLine(request=aid, form=form, amount=Decimal(cents) / 100)
                for form, cents in zip(chosen, shares, strict=True)
            )
            Payment.objects.create(
                request=aid,
                amount=amount,
                paid_on=day + dt.timedelta(days=5),
                payee="Поставщик товаров и услуг (демо)",
                document=f"п/п № {aid.pk}",
                created_by=admin,
                updated_by=admin,
            )
            # The request was made and decided in 2025, not on the day the demo was loaded.
            made = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=3), dt.time(10)))
            AidRequest.objects.filter(pk=aid.pk).update(created_at=made, updated_at=decided)
            created += 1
        _incomes(operator, index)
    _live_requests()
    # «Многодетная» in the register for the demo families whose requests name three or more children.
    Family.objects.filter(pk__in=AidRequest.objects.filter(children_count__gte=3).values("family")).update(
        is_large=True
    )
    # 004 lists the Krasnoyarsk operator's tasks (its roles); the date of its appointment and which
    # criteria of the choice it met are not in the seeds, so they stay empty.
    Operator.objects.filter(subject__code="24").update(
        role_fund_manager=True, role_leading_operator=True, role_resource_ngo=True
    )
    return created


def _incomes(operator: Operator, index: int) -> None:
    """The fund received what it spent in 2025 plus a reserve, by source: its balance stays positive,
    so an approval in the demo works (the documents give no figures for the funds' income)."""
    spent = AidRequest.objects.filter(operator=operator).aggregate(total=Sum("approved_amount"))["total"] or 0
    for source, share in INCOME_SHARES:
        FundIncome.objects.create(
            fund=operator.fund,
            source=source,
            received_on=dt.date(2025, 1, 9),
            amount=(Decimal(spent) * share).quantize(Decimal(1)),
            document=f"Соглашение № {index + 1}-{source} (демо)",
        )


def _live_requests() -> None:
    """Irkutsk: requests in work for the demo operator (a submitted one waits for a decision)."""
    operator = Operator.objects.filter(subject__code="38").first()
    actor = User.objects.filter(username="ngo_irkutsk").first()
    if operator is None or actor is None:
        return
    FundIncome.objects.create(
        fund=operator.fund,
        source=IncomeSource.GRANT,
        amount=Decimal("500000"),
        received_on=timezone.localdate() - dt.timedelta(days=20),
        document="Грант на IV квартал (демо)",
    )
    used = AidRequest.objects.values("family")
    families = list(
        Family.objects.filter(
            subject=operator.subject_id, statuses__kind=SocialStatusKind.SOP, statuses__end_date__isnull=True
        )
        .exclude(pk__in=used)
        .distinct()[:3]
    )
    forms = {form.code: form for form in AidForm.objects.all()}
    for number, family in enumerate(families):
        aid = services.aid_request_create(
            actor=actor,
            operator=operator,
            family=family,
            data={
                "children_count": 2 + number,
                "channel": ReferralChannel.CONSILIUM,
                "justification": "Семья в СОП: долг за коммунальные услуги, угроза отключения, дети могут "
                "быть помещены в учреждение. Помощь снимет угрозу.",
            },
            lines=[
                {"form": forms["utilities"], "amount": "38500.00"},
                {"form": forms["basic_goods"], "amount": "21000.00"},
            ],
        )
        if number < 2:
            services.aid_request_submit(
                actor=actor, request=aid, crisis_confirmed=True, result_confirmed=True
            )
