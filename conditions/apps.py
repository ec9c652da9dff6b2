from django.apps import AppConfig


class ConditionsConfig(AppConfig):
    name = "conditions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from . import (
            history,  # noqa: F401  (baselines and deletion tokens for edit history)
            signals,  # noqa: F401  (keeps derived data in step with edits)
        )
