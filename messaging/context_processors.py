from messaging import unread


def unread_messages(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    # Lazy, and from the cache: no database query on a page unless the number was forgotten.
    return {"unread_messages": lambda: unread.count_for(user)}
