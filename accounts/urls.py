from django.conf import settings
from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("members/<int:member_id>/", views.member_detail, name="member_detail"),
    path("notifications/", views.notification_list, name="notification_list"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.media, name="media"),
]
