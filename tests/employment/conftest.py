"""Employment fixtures: a county employer with a posting, and seekers in the home village, its sibling village and the
outsider county, all made through the services as the cast would make them."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from rongjia.core.models import Region
from rongjia.employment import services_postings, services_seekers
from rongjia.employment.models import Sector, Skill
from tests.factories import OUTSIDER_COUNTY, VILLAGE2_CODE, VILLAGE_CODE, person_at, unit_at


def skill(name: str) -> Skill:
    return Skill.objects.get(name=name)


def sector(name: str = "交通运输、仓储和邮政业") -> Sector:
    return Sector.objects.get(name=name)


def seeker_for(actor, *, code=VILLAGE_CODE, name="李强", seq=501, education="senior", skills=("汽车驾驶",),
               **profile):
    """A person registered at `code` with a seeker profile kept by that station."""
    person = person_at(actor, code=code, name=name, seq=seq, education=education)
    return services_seekers.seeker_create(actor=actor, person=person, skills=[skill(s) for s in skills], **profile)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def employer(cast):
    """A 拥军企业 registered by the home county's centre: every station of the county sees it."""
    return services_postings.employer_create(
        actor=cast.county_director, name="江宁物流有限公司", sector=sector(),
        place=Region.objects.get(code=VILLAGE_CODE), contact_name="王经理", contact_phone="13900001111",
        credit_code="", commitments="优先录用退役军人")


@pytest.fixture
def posting(cast, employer, today):
    """A driver's job in the home village, open from yesterday for a month, wanting 汽车驾驶 and a B2 licence."""
    return services_postings.posting_create(
        actor=cast.county_director, employer=employer, title="货车司机", place=Region.objects.get(code=VILLAGE_CODE),
        pay_min=6000, pay_max=8000, places=3, opens_on=today - timedelta(days=1), closes_on=today + timedelta(days=30),
        skills=[skill("汽车驾驶")], min_education="junior", driving_licence="B2")


@pytest.fixture
def seeker(cast):
    return seeker_for(cast.village_worker, driving_licence="B2")


@pytest.fixture
def sibling_seeker(cast):
    return seeker_for(cast.village2_worker, code=VILLAGE2_CODE, name="赵磊", seq=502, driving_licence="A1")


@pytest.fixture
def outsider_seeker(cast):
    return seeker_for(cast.outsider, code=OUTSIDER_COUNTY + "000000", name="孙涛", seq=503, driving_licence="B2")


def day(text: str) -> date:
    return date.fromisoformat(text)


__all__ = ["day", "seeker_for", "sector", "skill", "unit_at"]
