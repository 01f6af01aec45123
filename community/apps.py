from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"

    def ready(self):
        from accounts import member_data
        from community import signals  # noqa: F401
        from community.member_data import CommunityMemberData

        member_data.register("community", CommunityMemberData())
