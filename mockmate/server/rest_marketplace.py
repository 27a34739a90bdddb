"""The marketplace's REST routes (experts, slots, bookings, payments), mounted by the app.

Split by responsibility into `rest_experts`, `rest_calendar` and `rest_bookings`; `routes` is
their union, in an order where fixed paths (`/api/experts/me`) come before the ones with a
parameter.
"""

from aiohttp import web

from mockmate.server import rest_bookings, rest_calendar, rest_experts

routes: list[web.AbstractRouteDef] = [
    *rest_experts.routes, *rest_calendar.routes, *rest_bookings.routes,
]
