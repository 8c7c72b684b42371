"""The matching benchmark on the test world: it adds the seekers it needs once (a second run adds none), checks the
ranking against its hand-written SQL before timing, and reports the three viewers."""

from rongjia.benchmarks.employment import bench_employment, ensure_seekers
from rongjia.employment.models import Seeker
from tests.factories import VILLAGE2_CODE, person_at


def test_the_bench_runs_on_a_small_world(cast):
    for n in range(12):
        person_at(cast.village_worker if n % 2 else cast.village2_worker,
                  code="320115003004" if n % 2 else VILLAGE2_CODE, name=f"测{n}", seq=300 + n,
                  education=["", "junior", "senior", "college"][n % 4])
    figures = bench_employment(prefix="3201", every=2, requests=3)
    assert len(figures) == 3 and all(f.ratio and f.ratio > 0 for f in figures)
    assert "county viewer (320115" in figures[0].name and "province viewer (32," in figures[2].name
    made = Seeker.objects.count()
    assert made >= 5
    assert ensure_seekers("3201", 2)[0] == 0 and Seeker.objects.count() == made  # idempotent

