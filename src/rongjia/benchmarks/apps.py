from django.apps import AppConfig


class BenchmarksConfig(AppConfig):
    """`manage.py bench`: performance figures as ratios measured side by side in one run."""

    name = "rongjia.benchmarks"
    label = "benchmarks"
