from django.conf import settings
from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("members/<int:member_id>/", views.member_detail, name="member_detail"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("settings/email/", views.email_preferences, name="email_preferences"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/thanks/", views.subscribe_thanks, name="subscribe_thanks"),
    path("subscribe/confirm/<str:token>/", views.subscribe_confirm, name="subscribe_confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.media, name="media"),
]
