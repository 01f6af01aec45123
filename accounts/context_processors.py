def notifications(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy: pages that never show the bell (error pages, emails) never run the query.
    return {"unread_notifications": lambda: user.standing.unread_notifications}
