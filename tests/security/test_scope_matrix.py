"""The scope leak matrix (等保 8.1.4.2 / ASVS V4): every page and API operation, generated from the
URL conf and the OpenAPI schema, called by every member of the fixed cast on records of a county
that is not theirs. A record outside the scope must answer 404 (or 403 where the role lacks the
feature altogether) and show no data; lists, exports, counts and suggestions must not contain it.

A new route whose record this file cannot place fails the test: add its provider (or an
exemption with the reason) below, so the matrix grows with the product.
"""

import io
import json
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from auditlog.context import disable_auditlog
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rongjia.api.api import api
from rongjia.people.models import ImportJob
from rongjia.petitions.services import petition_register
from rongjia.petitions.services_aid import lawyer_save
from rongjia.petitions.services_mailbox import feedback_submit
from tests.factories import OUTSIDER_COUNTY, person_at, unit_at, valid_id_number

OUT_CENTRE = OUTSIDER_COUNTY + "000000"
MARKERS = ("外县张三", "外县信访事项", "外县意见内容", "外县律师")  # each on one outside record only
PROBED_CAST = ("village_worker", "village2_worker", "street_worker", "county_director", "leader", "auditor",
               "security_admin", "system_admin")
NO_DATA = {403, 404, 405}
# Routes whose <pk> is not a scoped record, with the reason.
EXEMPT = {
    "accounts:role_edit": "roles are one nationwide table, edited by the security administrator only",
    "network:standard_withdraw": "standards are published per jurisdiction and read by all below it",
    "people:reference_edit": "categories and tags are nationwide reference data",
    "core:region_edit": "regions are public reference data, edited by the system administrator only",
}
# Public by design: the supervision mailbox lists any station's name (names are public).
PUBLIC = {"mailbox:station_options"}


@dataclass
class Outside:
    ids: dict = field(default_factory=dict)


@pytest.fixture
def outside(cast):
    """One record of each scoped kind in the outsider county, made by its own director."""
    village = next(code for code in _codes_at(5))
    person = person_at(cast.outsider, code=village, name="外县张三", id_number=valid_id_number(
        "19700303", region=OUTSIDER_COUNTY, sequence=77))
    petition = petition_register(actor=cast.outsider, unit=unit_at(village), channel="visit", type="claim",
                                 category="housing", subject="外县信访事项", petitioners=[{"name": "外县张三"}])
    feedback, _receipt = feedback_submit(about=unit_at(village), topic="attitude", rating="fairly",
                                         content="外县意见内容")
    lawyer = lawyer_save(actor=cast.outsider, station=unit_at(OUT_CENTRE), name="外县律师", firm="外县律所")
    with disable_auditlog():
        job = ImportJob.objects.create(uploaded_by=cast.outsider, file="imports/x.xlsx", original_name="外县.xlsx",
                                       sha256="0" * 64)
    return Outside(ids={"person": person.pk, "petition": petition.pk, "feedback": feedback.pk, "lawyer": lawyer.pk,
                        "station": unit_at(village).pk, "user": cast.outsider.pk, "job": job.pk,
                        "region": village})


def _codes_at(level: int):
    from rongjia.core.models import Region

    return Region.objects.filter(code__startswith=OUTSIDER_COUNTY, level=level).order_by("code").values_list(
        "code", flat=True)


def routes():
    """(name, route, kwarg names) of every page, from the URL conf (the API is probed from its schema)."""
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if str(pattern.pattern).startswith("api/"):
                    continue
                inner = f"{namespace}:{pattern.namespace}" if namespace and pattern.namespace else (
                    pattern.namespace or namespace)
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                yield name, list(pattern.pattern.converters)
    return sorted(set((name, tuple(kwargs)) for name, kwargs in walk(get_resolver().url_patterns)))


# The record a route's first <pk> names, by route (a specific rule) or by namespace (the default).
PK_BY_ROUTE = {"people:import_job": "job", "people:import_job_commit": "job", "people:transfer_decide": "person",
               "petitions:lawyer_edit": "lawyer", "mailbox:detail": "feedback", "accounts:user_edit": "user",
               "accounts:user_unlock": "user", "accounts:user_reset_password": "user"}
PK_BY_NAMESPACE = {"people": "person", "petitions": "petition", "network": "station"}
STRING_KWARGS = {"kind": "household", "action": "accept", "code": None}


def fill(name: str, kwargs: tuple, outside: Outside) -> dict | None:
    """The route's kwargs naming outside records; None when the route is not placed."""
    values = {}
    for kwarg in kwargs:
        if kwarg == "pk":
            kind = PK_BY_ROUTE.get(name) or PK_BY_NAMESPACE.get(name.split(":")[0])
            if kind is None:
                return None
            values[kwarg] = outside.ids[kind]
        elif kwarg == "code":
            values[kwarg] = outside.ids["region"]
        elif kwarg in STRING_KWARGS:
            values[kwarg] = STRING_KWARGS[kwarg]
        else:  # a secondary id under an outside record: the outside record alone must refuse
            values[kwarg] = 1
    return values


def visible_text(response) -> str:
    """What a person would read: page text, or the cells of an xlsx, or the text of a PDF."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheet" in kind:
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(book.read(name).decode() for name in book.namelist() if name.endswith(".xml"))
    if "pdf" in kind:
        from pypdf import PdfReader

        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return content.decode(errors="replace")


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


def test_no_api_operation_shows_an_outside_record(cast, outside, token_for):
    schema = api.get_openapi_schema()
    params = {"code": outside.ids["region"], "station_id": outside.ids["station"], "person_id": outside.ids["person"],
              "job_id": outside.ids["job"], "petition_id": outside.ids["petition"]}
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
