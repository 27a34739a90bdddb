"""Notifications: telling users what happened (bookings, reminders, progress, verification)
through the channels they chose (in-app inbox, e-mail, none), at times they accept.

`rules` and `templates` are pure; `store` and `scheduler` are the Mongo and Redis edges;
`service` delivers; `triggers` turns marketplace and progress events into notifications;
`wiring` opens it all once at start-up (docs/notifications.md).
"""
