from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "rongjia.api"
    label = "api"
