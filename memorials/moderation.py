"""A member's news of a death, as a kind the moderation queue knows (registered in
MemorialsConfig.ready): its own layout, with the member's recent activity, and its own buttons."""

from django.db.models import QuerySet

from community.moderation.kinds import ModeratedKind
from memorials.models import DeathReport


def _nothing_to_report(viewer) -> QuerySet:
    # Nobody reports a report: this kind reaches the queue only through memorials.services.
    return DeathReport.objects.none()


DEATH_REPORT_KIND = ModeratedKind(
    name="memorial",
    model=DeathReport,
    noun="news",
    reportable=_nothing_to_report,
    queue_items=lambda: DeathReport.objects.select_related("member__profile", "reporter"),
    url=lambda report: report.member.get_absolute_url(),
    queue_template="memorials/_review_context.html",
    actions_template="memorials/_review_actions.html",
    hides_on_reports=False,
    takes_notes=False,
    is_account=True,
)
