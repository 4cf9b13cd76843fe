"""Demo organisations for the 14 pilot regions: the real NGO operators named in the seed (002) and
plausible, clearly numbered institutions, services and bodies."""

from __future__ import annotations

from vyzov.territories.models import Municipality, Organization, OrganizationKind, Subject
from vyzov.territories.reference import read_csv, reference_municipalities


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


def load() -> int:
    created_before = Organization.objects.count()
    for row in read_csv("vyzov_pilot_regions.csv"):
        subject = Subject.objects.get(code=row["subject_code"])
        centre = _centre(subject)
        towns = [m for m in reference_municipalities(subject) if not m.is_regional_centre][:3]
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
