from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"

    def ready(self):
        from accounts import digests, member_data
        from community import signals  # noqa: F401
        from community.digest import CommunityDigest
        from community.member_data import CommunityMemberData

        member_data.register("community", CommunityMemberData())
        digests.register("community", CommunityDigest())
