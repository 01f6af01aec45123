from django.apps import AppConfig


class MemorialsConfig(AppConfig):
    name = "memorials"

    def ready(self):
        from community import profile_actions
        from community.moderation import kinds
        from memorials.moderation import DEATH_REPORT_KIND
        from memorials.profile_action import memorial_actions

        kinds.register(DEATH_REPORT_KIND)
        profile_actions.register("memorials/_profile_action.html", memorial_actions)
