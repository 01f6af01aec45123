from django.urls import path

from community import hubs, views
from community.moderation import views as moderation_views

urlpatterns = [
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/<int:update_id>/", views.update_detail, name="update_detail"),
    path("activities/<int:update_id>/edit/", views.update_edit, name="update_edit"),
    path("activities/<int:update_id>/delete/", views.update_delete, name="update_delete"),
    path("activities/<int:update_id>/react/", views.update_react, name="update_react"),
    path("activities/<int:update_id>/comments/", views.update_comment, name="update_comment"),
    path("articles/<slug:slug>/comments/", views.article_comment, name="article_comment"),
    path("comments/<int:comment_id>/delete/", views.comment_delete, name="comment_delete"),
    path("questions/", views.question_list, name="question_list"),
    path("questions/ask/", views.question_ask, name="question_ask"),
    path("questions/similar/", views.question_similar, name="question_similar"),
    path("questions/<int:question_id>/", views.question_detail, name="question_detail_short"),
    path("questions/<int:question_id>/follow/", views.question_follow, name="question_follow"),
    path("questions/<int:question_id>/<slug:slug>/", views.question_detail, name="question_detail"),
    path(
        "questions/<int:question_id>/answers/<int:answer_id>/helpful/",
        views.answer_helpful,
        name="answer_helpful",
    ),
    path("questions/<int:question_id>/answers/<int:answer_id>/accept/", views.answer_accept, name="answer_accept"),
    path(
        "questions/<int:question_id>/answers/<int:answer_id>/comments/",
        views.answer_comment,
        name="answer_comment",
    ),
    path("members/", views.member_list, name="member_list"),
    path("members/<int:member_id>/", views.member_detail, name="member_detail"),
    path("members/<int:member_id>/team/", views.team_toggle, name="team_toggle"),
    path("members/<int:member_id>/block/", views.block_toggle, name="block_toggle"),
    path("topics/<slug:slug>/", hubs.topic_hub, name="topic_hub"),
    path("treatments/<slug:slug>/", hubs.treatment_hub, name="treatment_hub"),
    path("moderation/", moderation_views.queue, name="moderation_queue"),
    path("moderation/review/<int:review_id>/", moderation_views.review_act, name="moderation_act"),
    path("moderation/bulk/", moderation_views.review_bulk, name="moderation_bulk"),
    path("moderation/log/", moderation_views.audit_log, name="moderation_log"),
    path("moderation/appeals/<int:appeal_id>/", moderation_views.appeal_detail, name="moderation_appeal"),
    path("report/<slug:kind>/<int:object_id>/", moderation_views.report_create, name="report_create"),
    path("appeals/new/<int:action_id>/", moderation_views.appeal_create, name="appeal_create"),
    path("crisis/", moderation_views.crisis, name="crisis"),
    path("search/", views.search, name="search"),
]
