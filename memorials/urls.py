from django.urls import path

from memorials import views

urlpatterns = [
    path("bereavement/", views.bereavement, name="bereavement"),
    path("members/<int:member_id>/tell-us/", views.death_report_create, name="death_report_create"),
    path("moderation/memorial/<int:member_id>/set/", views.memorial_set, name="memorial_set"),
    path("moderation/memorial/<int:member_id>/undo/", views.memorial_undo, name="memorial_undo"),
    path("moderation/memorial/<int:member_id>/family/", views.family_archive, name="memorial_family"),
    path("moderation/memorial/<int:member_id>/delete/", views.memorial_account_delete, name="memorial_delete"),
]
