from django.apps import AppConfig


class TrialsConfig(AppConfig):
    name = "trials"
    verbose_name = "Clinical trials"

    def ready(self):
        from accounts.mail import digests
        from trials.digest import TrialAlerts

        digests.register("trials", TrialAlerts())
