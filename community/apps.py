from django.apps import AppConfig


class CommunityConfig(AppConfig):
    name = "community"

    def ready(self):
        from accounts import member_data
        from accounts.mail import digests
        from community import signals  # noqa: F401
        from community.digest import CommunityDigest
        from community.member_data import CommunityMemberData
        from community.moderation.selectors import register_community_kinds

        member_data.register("community", CommunityMemberData())
        digests.register("community", CommunityDigest())
        register_community_kinds()
