"""Payments for bookings: the port booking logic uses (`port`) and the test-mode adapter
(`local`); the Stripe adapter lives with the other cloud adapters in `providers/`."""
