"""Policy and help pages: plain templates with no data behind them."""

from django.urls import path
from django.views.generic import TemplateView

PAGES = {
    "about": "About Kindred",
    "guidelines": "Community guidelines",
    "privacy": "Privacy policy",
    "terms": "Terms of use",
    "your-data": "Your data",
}

urlpatterns = [
    path(
        f"{slug}/",
        TemplateView.as_view(template_name=f"pages/{slug}.html", extra_context={"title": title}),
        name=slug,
    )
    for slug, title in PAGES.items()
]
