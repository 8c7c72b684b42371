"""Every factory, and the fixed cast of users that tests play with (DESIGN.md).

The cast lives in the 江宁区 demo county of the real region files, plus one outsider county
(雨花台区) so that "someone else's station" is a real station, not an invented one.
"""

from dataclasses import dataclass

import factory
from django.conf import settings

from rongjia.accounts.models import Role, User
from rongjia.core.models import OrgUnit, Region
from rongjia.core.org_units import org_units_create_missing
from rongjia.core.region_import import import_regions

PASSWORD = "Test#Pass2026"
HOME_COUNTY, OUTSIDER_COUNTY = "320115", "320114"
STREET_CODE, VILLAGE_CODE, VILLAGE2_CODE = "320115003000", "320115003004", "320115003011"


def unit_at(code: str) -> OrgUnit:
    return OrgUnit.objects.get(region_code=code, kind__in=[OrgUnit.Kind.CENTRE, OrgUnit.Kind.STATION])


class OrgUnitFactory(factory.django.DjangoModelFactory):
    """An extra (派驻站) unit in a real region; main units come from the region files."""

    class Meta:
        model = OrgUnit

    region = factory.LazyFunction(lambda: Region.objects.get(code=VILLAGE_CODE))
    region_code = factory.SelfAttribute("region.code")
    level = factory.SelfAttribute("region.level")
    kind = OrgUnit.Kind.RESIDENT
    name = factory.Sequence(lambda n: f"测试派驻站{n}")
    phone = "025-52710000"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"用户{n}")
    org_unit = factory.LazyFunction(lambda: unit_at(VILLAGE_CODE))
    must_change_password = False
    password_changed_at = factory.Faker("date_time_this_month", tzinfo=__import__("datetime").timezone.utc)

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.roles.set(Role.objects.filter(code__in=extracted))


# username -> (role, region code of the unit)
CAST = {
    "village_worker": ("station_worker", VILLAGE_CODE),
    "village2_worker": ("station_worker", VILLAGE2_CODE),
    "grid_worker": ("grid_worker", VILLAGE_CODE),  # people.view only: no petitions.view
    "street_worker": ("station_worker", STREET_CODE),
    "county_director": ("centre_director", HOME_COUNTY + "000000"),
    "leader": ("leader", HOME_COUNTY + "000000"),
    "outsider": ("centre_director", OUTSIDER_COUNTY + "000000"),
    "auditor": ("audit_admin", HOME_COUNTY + "000000"),
    "security_admin": ("sec_admin", HOME_COUNTY + "000000"),
    "second_security_admin": ("sec_admin", HOME_COUNTY + "000000"),  # the two-person rule's second
    "system_admin": ("sys_admin", HOME_COUNTY + "000000"),
    "evaluator": ("evaluator", HOME_COUNTY + "000000"),  # a third party: only the stations it is given
}


@dataclass
class Cast:
    village_worker: User
    village2_worker: User
    grid_worker: User
    street_worker: User
    county_director: User
    leader: User
    outsider: User
    auditor: User
    security_admin: User
    second_security_admin: User
    system_admin: User
    evaluator: User


def build_world() -> None:
    """Regions and units of the home and outsider counties, one 派驻站, and the cast."""
    for county in (HOME_COUNTY, OUTSIDER_COUNTY):
        import_regions(settings.REGION_DATA_DIR, prefix=county)
        org_units_create_missing(prefix=county)
    for ancestor in ("320000000000", "320100000000"):
        org_units_create_missing(prefix=ancestor)
    OrgUnitFactory(name="汤山医院派驻站", region=Region.objects.get(code=STREET_CODE))
    for username, (role, code) in CAST.items():
        UserFactory(username=username, org_unit=unit_at(code), roles=[role])


def load_cast() -> Cast:
    users = {u.username: u for u in User.objects.filter(username__in=CAST).select_related("org_unit")}
    return Cast(**users)


# --- the service network -----------------------------------------------------------------

class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "network.StaffMember"

    unit = factory.LazyFunction(lambda: unit_at(VILLAGE_CODE))
    name = factory.Sequence(lambda n: f"工作人员{n}")
    post = "专干"
    employment = "full_time"
    is_veteran = False
    phone = "13812345678"


class StandardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "network.Standard"

    jurisdiction_code = HOME_COUNTY
    level = 5
    min_area_m2 = 50
    effective_from = __import__("datetime").date(2019, 7, 1)


def small_png() -> bytes:
    """A real 1×1 PNG (evidence uploads are checked by content)."""
    import base64

    return base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
    )


# --- dossiers --------------------------------------------------------------------------------

def valid_id_number(birth: str = "19800101", region: str = "320115", sequence: int = 123) -> str:
    """A GB 11643 number with its correct check digit (birth as YYYYMMDD)."""
    from rongjia.core.idnumber import check_digit

    first17 = f"{region}{birth}{sequence:03d}"
    return first17 + check_digit(first17)


def person_at(actor, *, code: str = VILLAGE_CODE, name: str = "张伟", id_number: str | None = None, phone: str = "",
              birth: str = "19750505", seq: int = 1, categories=("退役士兵",), **fields):
    """A dossier registered through the service, as `actor` (a cast member who covers `code`)."""
    from datetime import date

    from rongjia.people import services
    from rongjia.people.models import Category

    unit = unit_at(code)
    spans = [(Category.objects.get(name=c), date(2020, 1, 1)) for c in categories]
    return services.person_register(
        actor=actor, station=unit, id_number=id_number or valid_id_number(birth, sequence=seq), phone=phone,
        name=name, address_region=unit.region, categories=spans, **fields)


def duplicate_from_before_the_rule(actor, **kwargs):
    """A second dossier of a number already on file, as ledgers registered before the one rule of
    people/on_file.py left them (the demo and legacy data hold such pairs; the merge exists for them).
    Registration now refuses it, so the rule is stepped over here, and only here."""
    from unittest import mock

    with mock.patch("rongjia.people.services.refuse_if_on_file"):
        return person_at(actor, **kwargs)
