from community.models import TeamMembership
from messaging import services
from messaging.models import Conversation, Participant


def accepted_conversation(sender, recipient, text="Hello there") -> Conversation:
    """A conversation the recipient has accepted, with one message from the sender."""
    message = services.message_send(sender=sender, recipient_id=recipient.pk, text=text)
    conversation = message.conversation
    if Participant.objects.filter(conversation=conversation, member=recipient, state="pending").exists():
        services.request_accept(actor=recipient, conversation=conversation)
    return conversation


def put_on_team(member, teammate) -> None:
    TeamMembership.objects.create(member=member, teammate=teammate)
