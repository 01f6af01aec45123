from django.urls import path

from insights import views

urlpatterns = [
    path("", views.insights, name="insights"),
    path("<slug:slug>.csv", views.panel_csv, name="insights_csv"),
]
