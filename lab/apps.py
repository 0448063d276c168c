from django.apps import AppConfig


class LabConfig(AppConfig):
    """The lab: simulated clusters stored in the ORM, their API server, admin, pages and the control-plane host."""

    name = "lab"
    verbose_name = "KubeLab"
    default_auto_field = "django.db.models.BigAutoField"
