"""The trials pages. Registry data is public: visitors get them from the page cache; a signed-in
member who consented to health details also sees the trials that may fit them."""

from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.page_cache import visitor_page_cache
from core.pagination import list_page, page_number
from trials import selectors


@require_GET
@visitor_page_cache(depends_on=("trials",), query_params=("biomarker", "phase", "country", "treatment", "page"))
def trial_list(request):
    filters = selectors.read_filters(request.GET)
    choices = selectors.filter_choices()
    return render(
        request,
        "trials/list.html",
        {
            "page": list_page(selectors.trial_list(filters), number=page_number(request), size=selectors.PAGE_SIZE),
            "filters": filters,
            "choices": choices,
            "for_you": selectors.trials_for_member(member=request.user, countries=choices["countries"]),
        },
    )


@require_GET
@visitor_page_cache(depends_on=("trials",))
def trial_detail(request, nct_id: str):
    trial = selectors.trial_detail(nct_id=nct_id)
    return render(request, "trials/detail.html", {"trial": trial})
