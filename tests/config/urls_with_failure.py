"""The site's URLs plus one view that fails, to see the 500 page a member would get."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import handler400, handler403, handler404, handler500  # noqa: F401
from config.urls import urlpatterns as site_urlpatterns


def broken(request):
    raise RuntimeError("secret internal detail")


def forbidden(request):
    raise PermissionDenied


urlpatterns = [path("broken/", broken), path("forbidden/", forbidden), *site_urlpatterns]
