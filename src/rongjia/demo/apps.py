from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data (seed_demo): sits above every other app, as it fills them all."""

    name = "rongjia.demo"
    label = "demo"
