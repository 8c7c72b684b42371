"""The benchmark's URLconf: its static page, then the project's own URLs, so that the people list and
the static page go through the identical middleware. manage.py bench swaps ROOT_URLCONF to this module
for its run only, and names the URLconf it replaced in BENCH_PROJECT_URLCONF (by name, so that this app
does not import the project's URL modules, the API's among them)."""

from django.conf import settings
from django.urls import include, path

from .lists import static_page

urlpatterns = [
    path("_bench/static/<int:size>", static_page, name="bench_static"),
    path("", include(getattr(settings, "BENCH_PROJECT_URLCONF", "rongjia.urls"))),
]
