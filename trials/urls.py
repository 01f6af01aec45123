from django.urls import path

from trials import views

urlpatterns = [
    path("", views.trial_list, name="trial_list"),
    path("<str:nct_id>/", views.trial_detail, name="trial_detail"),
]
