from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        from accounts import member_data
        from community import fragments, profile_actions
        from community.moderation import kinds
        from messaging import fragments as messaging_fragments
        from messaging.member_data import MessagingMemberData
        from messaging.moderation import MESSAGE_KIND
        from messaging.profile_action import send_message_button

        member_data.register("messaging", MessagingMemberData())
        profile_actions.register("messaging/_profile_action.html", send_message_button)
        kinds.register(MESSAGE_KIND)
        fragments.register("message", messaging_fragments.MESSAGE)
        fragments.register("conversation_row", messaging_fragments.ROW)
