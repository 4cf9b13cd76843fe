"""Demo organisations for the 14 pilot regions: the real NGO operators named in the seed (002) and
plausible, clearly numbered institutions, services and bodies."""

from __future__ import annotations

from .models import Municipality, Organization, OrganizationKind, Subject
from .reference import read_csv


def _centre(subject: Subject) -> Municipality | None:
    return (
        subject.municipalities.filter(is_regional_centre=True).first()
        or subject.municipalities.order_by("-population").first()
    )


def _ensure(
    *, name: str, kind: str, subject: Subject, municipality: Municipality | None, **extra
) -> Organization:
    organization = Organization.objects.filter(name=name, subject=subject).first()
    if organization is None:
        organization = Organization(name=name, kind=kind, subject=subject, municipality=municipality, **extra)
        organization.full_clean()
        organization.save()
    return organization


def _largest_reference_towns(subject: Subject, count: int) -> list[Municipality]:
    """The largest towns of the reference list (not of whatever else the database holds), so that
    loading the demo again finds the same organisations."""
    rows = [
        row
        for row in read_csv("municipalities.csv")
        if row["subject_code"] == subject.code and row["is_regional_centre"] != "1"
    ]
    rows.sort(key=lambda row: -int(row["population"]))
    names = [row["name"] for row in rows[:count]]
    by_name = {m.name: m for m in subject.municipalities.filter(name__in=names)}
    return [by_name[name] for name in names if name in by_name]


def load() -> int:
    created_before = Organization.objects.count()
    for row in read_csv("vyzov_pilot_regions.csv"):
        subject = Subject.objects.get(code=row["subject_code"])
        centre = _centre(subject)
        towns = _largest_reference_towns(subject, 3)
        short = subject.name
        _ensure(
            name=row["ngo_operator"],
            kind=OrganizationKind.NGO,
            subject=subject,
            municipality=centre,
            short_name=f"НКО-оператор ({short})",
        )
        _ensure(
            name=f"Министерство социальной политики (демо) — {short}",
            kind=OrganizationKind.REGIONAL_AUTHORITY,
            subject=subject,
            municipality=None,
        )
        _ensure(
            name=f"Ресурсно-методический центр (демо) — {short}",
            kind=OrganizationKind.RESOURCE_CENTRE,
            subject=subject,
            municipality=centre,
        )
        for number, municipality in enumerate([centre, *towns], start=1):
            if municipality is None:
                continue
            _ensure(
                name=f"Центр содействия семейному воспитанию № {number} (демо), {municipality.name}",
                kind=OrganizationKind.ORPHAN_INSTITUTION,
                subject=subject,
                municipality=municipality,
                capacity=40 + 15 * number,
            )
            _ensure(
                name=f"Служба «Дети в семье» (демо), {municipality.name}",
                kind=OrganizationKind.FAMILY_SERVICE,
                subject=subject,
                municipality=municipality,
            )
            _ensure(
                name=f"Орган опеки и попечительства (демо), {municipality.name}",
                kind=OrganizationKind.GUARDIANSHIP_BODY,
                subject=subject,
                municipality=municipality,
            )
        _ensure(
            name=f"Социально-реабилитационный центр для несовершеннолетних (демо), {centre.name}",
            kind=OrganizationKind.SOCIAL_INSTITUTION,
            subject=subject,
            municipality=centre,
            capacity=30,
        )
    return Organization.objects.count() - created_before
