"""Assistance fixtures: a person on the books at the cast's village, the national kinds of aid, a county 关爱基金
with money in it, and helpers that take an application up the levels with the cast (village → street → county).

Documents are tiny real PDFs: the service checks each file's first bytes.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from rongjia.assistance import funds, services
from rongjia.assistance.models import AidApplication, AidKind, HardshipKind
from tests.factories import VILLAGE2_CODE, person_at

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="申请书.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def documents_for(kind: AidKind) -> dict:
    return {name: pdf(f"{name}.pdf") for name in kind.documents}


def kind_named(name: str) -> AidKind:
    return AidKind.objects.get(jurisdiction_code="", name=name)


def register(actor, person, *, kind="临时救助", amount="2000", reason="房屋受灾，生活暂时困难") -> AidApplication:
    kind = kind_named(kind) if isinstance(kind, str) else kind
    return services.application_register(actor=actor, person=person, kind=kind, amount=amount, reason=reason,
                                         documents=documents_for(kind))


def step(actor, application, action, note="", **data) -> AidApplication:
    application.refresh_from_db()
    return services.application_transition(actor=actor, application=application, action=action, note=note,
                                           version=application.version, data=data)


def to_publicity(cast, application, **data) -> AidApplication:
    """Village and street agree, the county posts it publicly from today."""
    step(cast.village_worker, application, "recommend", "情况属实")
    step(cast.street_worker, application, "recommend", "同意上报")
    return step(cast.county_director, application, "agree", "同意公示", **data)


def past_publicity(application) -> AidApplication:
    """As if the 公示 had ended yesterday."""
    yesterday = timezone.localdate() - timedelta(days=1)
    AidApplication.objects.filter(pk=application.pk).update(publicity_from=yesterday - timedelta(days=10),
                                                            publicity_until=yesterday)
    application.refresh_from_db()
    return application


@pytest.fixture
def person(cast):
    return person_at(cast.village_worker, name="王建国")


@pytest.fixture
def sibling_person(cast):
    return person_at(cast.village2_worker, code=VILLAGE2_CODE, name="李卫东", seq=2)


@pytest.fixture
def care_fund(cast):
    fund = funds.fund_create(actor=cast.county_director, name="江宁区退役军人关爱基金", kind="care")
    funds.fund_income(actor=cast.county_director, fund=fund, source="allocation", amount="50000",
                      on=timezone.localdate(), note="区财政拨款")
    fund.refresh_from_db()
    return fund


@pytest.fixture
def hardship_kind(db):
    return HardshipKind.objects.get(name="因病")


@pytest.fixture
def entry(cast, person, hardship_kind):
    return services.hardship_create(actor=cast.village_worker, person=person, kind=hardship_kind,
                                    cause="妻子患尿毒症，长期透析", level="serious", since=date(2024, 3, 1),
                                    household_size=3, monthly_income=Decimal("1800"))
