from django.apps import AppConfig


class SpreadsheetsConfig(AppConfig):
    name = "spreadsheets"
    default_auto_field = "django.db.models.BigAutoField"
