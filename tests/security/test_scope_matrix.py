"""The scope leak matrix (等保 8.1.4.2 / ASVS V4): every page and API operation, generated from the
URL conf and the OpenAPI schema, called by every member of the fixed cast on records of a county
that is not theirs. A record outside the scope must answer 404 (or 403 where the role lacks the
feature altogether) and show no data; lists, exports, counts and suggestions must not contain it.

A new route whose record this file cannot place fails the test: add its provider (or an
exemption with the reason) below, so the matrix grows with the product.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from rongjia.api.api import api
from tests.factories import OUTSIDER_COUNTY
from tests.security.probes import api_params, fill, records_in, routes, visible_text

# each on one outside record only
MARKERS = ("外县张三", "外县信访事项", "外县意见内容", "外县律师", "外县走访情况", "外县慰问活动", "外县修缮屋顶",
           "外县年终任务", "外县整改事项", "外县检查发现", "外县信息简报", "外县会议纪要", "外县培训班", "外县评价标准",
           "外县星级评价期", "外县实地察看记录", "外县五星目标", "外县市局", "外县结对目标", "外县共建任务",
           "外县困难原因", "外县帮扶计划", "外县申请事由", "外县关爱基金", "外县捐赠企业", "外县转介请求",
           "外县抚恤标准", "外县代领人", "外县代领原因", "外县待遇提议", "外县待确认提议", "外县求职意向",
           "外县物流公司", "外县联系人", "外县货车司机", "外县招聘会", "外县会场", "外县电工培训", "外县创业项目",
           "外县银行", "外县回访情况")
PROBED_CAST = ("village_worker", "village2_worker", "grid_worker", "street_worker", "county_director", "leader",
               "auditor", "security_admin", "system_admin", "evaluator")
NO_DATA = {403, 404, 405}
# Routes whose <pk> is not a scoped record, with the reason.
EXEMPT = {
    "accounts:role_edit": "a role is changed for the editor's own jurisdiction only (decision 0010), never another's",
    "network:standard_withdraw": "standards are published per jurisdiction and read by all below it",
    "people:reference_edit": "categories and tags are nationwide reference data, edited at province level only",
}
# Public by design: the supervision mailbox lists any station's name (names are public).
PUBLIC = {"mailbox:station_options"}


@pytest.fixture
def outside(cast):
    """One record of each scoped kind in the outsider county, made by its own director."""
    return records_in(OUTSIDER_COUNTY, cast.outsider, "外县")


def test_no_page_shows_an_outside_record(cast, outside, client_for):
    probes, leaks, unplaced = 0, [], []
    clients = {username: client_for(getattr(cast, username)) for username in PROBED_CAST}
    for name, kwargs in routes():
        if name in EXEMPT or name in PUBLIC:
            continue
        if not kwargs:
            url = reverse(name) + f"?q=外县&region={OUTSIDER_COUNTY}"
            for username, client in clients.items():
                response = client.get(url)
                probes += 1
                text = visible_text(response) if response.status_code == 200 else ""
                leaks += [f"{username} GET {url}: {m}" for m in MARKERS if m in text]
            continue
        values = fill(name, kwargs, outside)
        if values is None:
            unplaced.append(name)
            continue
        url = reverse(name, kwargs=values)
        for username, client in clients.items():
            for method in ("get", "post"):
                response = getattr(client, method)(url)
                probes += 1
                if response.status_code not in NO_DATA:
                    leaks.append(f"{username} {method.upper()} {url}: {response.status_code}")
    assert not unplaced, f"routes the matrix cannot place (add a provider or an exemption): {unplaced}"
    _report("pages", probes, leaks)
    assert not leaks, "\n".join(leaks)


def test_no_place_outside_is_suggested(cast, client_for):
    """The place picker's suggestions (core:place_suggest) asked for each place of the outside county above its
    villages by its own name: none of their codes may come back, to any member of the cast."""
    from rongjia.core.models import Region

    places = Region.objects.filter(code__startswith=OUTSIDER_COUNTY, level__lte=4).values_list("code", "name")
    leaks = []
    for username in PROBED_CAST:
        client = client_for(getattr(cast, username))
        for code, name in places:
            response = client.get(reverse("core:place_suggest"), {"q": name, "level": "county,street,village"})
            leaks += [f"{username}: {name}"] if code in response.content.decode() else []
    assert places and not leaks, "\n".join(leaks)


def test_no_api_operation_shows_an_outside_record(cast, outside, token_for):
    schema = api.get_openapi_schema()
    params = api_params(outside)
    probes, leaks, unplaced = 0, [], []
    tokens = {username: token_for(getattr(cast, username)) for username in PROBED_CAST}
    client = Client()
    for path, operations in schema["paths"].items():
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        if any(n not in params for n in names):
            unplaced.append(path)
            continue
        url = path.format(**params)
        for username, token in tokens.items():
            headers = {"Authorization": f"Bearer {token}"}
            for method in operations:
                probes += 1
                if not names:  # a list: it must not contain the outside records
                    if method != "get":
                        continue
                    response = client.get(url, {"q": "外县", "region": OUTSIDER_COUNTY}, headers=headers)
                    text = response.content.decode()
                    leaks += [f"{username} GET {url}: {m}" for m in MARKERS if m in text]
                    continue
                if method == "get":
                    response = client.get(url, headers=headers)
                else:
                    response = getattr(client, method)(url, data="{}", content_type="application/json",
                                                       headers=headers)
                allowed = NO_DATA | ({422} if method != "get" else set())  # a body refused before any lookup
                if response.status_code not in allowed or any(m in response.content.decode() for m in MARKERS):
                    leaks.append(f"{username} {method.upper()} {url}: {response.status_code}")
    assert not unplaced, f"API paths the matrix cannot place: {unplaced}"
    _report("api", probes, leaks)
    assert not leaks, "\n".join(leaks)


def _report(part: str, probes: int, leaks: list) -> None:
    """The figure for docs/security.md: probes made and leaks found, kept in var/security/."""
    folder = Path(settings.VAR_DIR) / "security"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"scope-matrix-{part}.json").write_text(json.dumps({"probes": probes, "leaks": len(leaks)}))
