from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StaffConfig(AppConfig):
    name = "staff"
    verbose_name = _("International staff tools")

    def ready(self) -> None:
        # The mail queue's rows hold whole messages, password-reset links included: no admin
        # screen shows them (README, Mail). django-tasks registers one, after our admin modules
        # are read (its app comes later), so it is taken off once every app is ready.
        from django.contrib import admin
        from django_tasks.backends.database.models import DBTaskResult

        if admin.site.is_registered(DBTaskResult):
            admin.site.unregister(DBTaskResult)

        # django-otp's admin screens show and edit the secrets of people's devices. Superusers
        # remove a person's devices with an action on the list of users instead.
        from django_otp.plugins.otp_static.models import StaticDevice
        from django_otp.plugins.otp_totp.models import TOTPDevice

        for model in (TOTPDevice, StaticDevice):
            if admin.site.is_registered(model):
                admin.site.unregister(model)
