from django.urls import path

from messaging import views

urlpatterns = [
    path("", views.inbox, name="message_inbox"),
    path("new/", views.conversation_new, name="conversation_new"),
    path("<int:conversation_id>/", views.conversation_detail, name="conversation_detail"),
    path("<int:conversation_id>/changes/", views.conversation_changes, name="conversation_changes"),
    path("<int:conversation_id>/accept/", views.request_accept, name="message_request_accept"),
    path("<int:conversation_id>/ignore/", views.request_ignore, name="message_request_ignore"),
    path("<int:conversation_id>/block/", views.conversation_block, name="conversation_block"),
    path("message/<int:message_id>/edit/", views.message_edit, name="message_edit"),
    path("message/<int:message_id>/delete/", views.message_delete, name="message_delete"),
]
