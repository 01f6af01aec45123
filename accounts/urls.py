from django.conf import settings
from django.urls import path

from accounts import views

urlpatterns = [
    path("profile/edit/", views.profile_edit, name="profile_edit"),
    path("notifications/", views.notification_list, name="notification_list"),
    path("settings/email/", views.email_preferences, name="email_preferences"),
    path("settings/privacy/", views.privacy_settings, name="privacy_settings"),
    path("settings/privacy/consent/", views.health_consent, name="health_consent"),
    path("settings/privacy/export/", views.data_export_request, name="data_export_request"),
    path("settings/privacy/export/<str:token>/", views.data_export_download, name="data_export_download"),
    path("settings/privacy/delete/", views.account_delete, name="account_delete"),
    path("settings/privacy/deleted/", views.account_deleted, name="account_deleted"),
    path("subscribe/", views.subscribe, name="subscribe"),
    path("subscribe/thanks/", views.subscribe_thanks, name="subscribe_thanks"),
    path("subscribe/confirm/<str:token>/", views.subscribe_confirm, name="subscribe_confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", views.media, name="media"),
]
