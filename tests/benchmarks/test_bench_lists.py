"""manage.py bench: the people-list figure on a few dossiers, and the options it refuses."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from rongjia.benchmarks.lists import bench_people_list
from rongjia.people.models import Person
from tests.factories import VILLAGE2_CODE, person_at


@pytest.fixture
def people(cast):
    for seq, name in enumerate(("张伟", "李娜", "王芳")):
        person_at(cast.village_worker, name=name, seq=seq + 1)
    person_at(cast.county_director, code=VILLAGE2_CODE, name="赵强", seq=9)
    return cast


def test_the_list_figure_has_one_row_per_viewer_and_leaves_nothing_behind(people):
    result = bench_people_list(usernames=["village_worker", "leader"], requests=3, explain=True)
    village, county = (figure for figure in result.figures if figure.name.startswith("people list"))
    assert village.name == "people list, village (village_worker, 3 people)"
    assert county.name == "people list, county (leader, 4 people)"
    for figure in (village, county):
        assert "p95" in figure.measured and "static page" in figure.baseline and figure.ratio > 0
        assert "queries" in figure.note and "status=" in figure.note
        # a name of three characters, one of two (their beginning) and the same person in pinyin
        assert "q=赵强" in figure.note or "q=王芳" in figure.note
        assert "q=wangfang" in figure.note or "q=zhaoqiang" in figure.note
    assert any("COUNT(" in item.sql for item in result.explains) and all(item.plan for item in result.explains)
    assert Person.objects.count() == 4
    # the benchmark's static route lived only in its own URLconf
    with pytest.raises(Exception, match="bench_static"):
        reverse("bench_static", args=[10])


def test_the_command_prints_the_list_rows_and_the_plans(people):
    out = io.StringIO()
    call_command("bench", "--only", "lists", "--viewers", "village_worker,county_director", "--requests", "2",
                 "--explain", stdout=out)
    text = out.getvalue()
    assert "people list, village (village_worker" in text and "people list, county (county_director" in text
    assert "EXPLAIN" in text and "Findings:" in text


def test_a_viewer_whose_role_needs_the_second_factor_is_measured_as_after_a_full_sign_in(people):
    # the county director's role requires TOTP: the page must still answer 200, not the code page
    result = bench_people_list(usernames=["county_director"], requests=2)
    assert result.figures[0].name.startswith("people list, county (county_director")


def test_a_viewer_who_sees_no_one_is_refused_loudly(cast):
    with pytest.raises(CommandError, match="lists no one"):
        call_command("bench", "--only", "lists", "--viewers", "village_worker", "--requests", "2")


@pytest.mark.parametrize("args, message", [
    (["--only", "lists,nonsense"], "nonsense"),
    (["--only", "lists", "--skip", "lists"], "没有要测的项"),
    (["--only", "lists", "--requests", "0"], "正整数"),
    (["--only", "import", "--explain"], "--explain"),
    (["--only", "lists", "--viewers", "nobody"], "nobody"),
])
def test_bad_options_are_a_command_error(people, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("bench", *args, stdout=io.StringIO())


def test_without_default_viewers_the_list_row_says_it_was_skipped(people):
    # neither the scale nor the demo accounts exist in the test world
    out = io.StringIO()
    call_command("bench", "--skip", "import,regions", stdout=out)
    assert "skipped: no viewers" in out.getvalue()


def test_the_petition_and_station_lists_are_timed_beside_the_people(people):
    from tests.petitions.test_desk import lodge

    lodge(people.village_worker, "道路维修事项", names=("甲",), due=-2)  # overdue
    result = bench_people_list(usernames=["village_worker", "leader"], requests=2, explain=True)
    by_name = {figure.name.split(" (")[0]: figure for figure in result.figures}
    assert set(by_name) == {f"{kind} list, {level}" for kind in ("people", "petition", "station")
                            for level in ("village", "county")}
    petitions = next(f for f in result.figures if f.name.startswith("petition list, village"))
    assert petitions.name == "petition list, village (village_worker, 1 petitions)" and "due=overdue" in petitions.note
    stations = next(f for f in result.figures if f.name.startswith("station list, county"))
    assert "level=street" in stations.note and stations.ratio > 0
    assert any(item.title.startswith("petition list · village") and item.plan for item in result.explains)


def test_a_list_the_viewer_may_not_open_is_skipped_with_the_reason(people, monkeypatch):
    from rongjia.accounts.models import User

    monkeypatch.setattr(User, "can", lambda self, capability: capability != "petitions.view")
    result = bench_people_list(usernames=["village_worker"], requests=2)
    petitions = next(f for f in result.figures if f.name.startswith("petition list"))
    assert petitions.note == "skipped: village_worker lacks petitions.view" and petitions.ratio is None
    assert next(f for f in result.figures if f.name.startswith("people list")).ratio > 0
