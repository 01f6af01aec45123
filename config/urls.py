from django.contrib import admin
from django.urls import include, path

from accounts.admin_site import require_two_factor_for_admin
from config import views

require_two_factor_for_admin(admin.site)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("bench/floor/", views.benchmark_floor, name="benchmark_floor"),
    # Most visited first: Django tries each pattern in turn.
    path("", include("articles.urls")),
    path("", include("community.urls")),
    path("messages/", include("messaging.urls")),
    path("trials/", include("trials.urls")),
    path("staff/insights/", include("insights.urls")),
    path("", include("memorials.urls")),
    path("", include("accounts.urls")),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("", include("config.pages")),
]

handler400 = "config.views.bad_request"
handler403 = "config.views.permission_denied"
handler404 = "config.views.page_not_found"
handler500 = "config.views.server_error"
