"""Everything Kindred sends by email, in one place: building and sending messages (sending.py), the
signed links they carry (tokens.py), who receives what (subscriptions.py: email preferences, bounces,
the newsletter's double opt-in, one-click unsubscribe), digests (digests.py) and notification emails
(notification_emails.py). Apps above contribute digest sections (digests.register) and send their own
messages through sending.py, as articles does for new articles."""
