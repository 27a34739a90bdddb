"""Stripe Checkout for the premium subscription (`subscriptions.service.CheckoutProvider`),
through the Stripe payments adapter's client and guard (retries, breaker).

The session carries the user's id as `client_reference_id` and in the subscription's
metadata, so every later subscription and invoice event names the user it is about.
"""

import stripe

from mockmate.providers.stripe_payments import StripePayments


class StripeCheckout:
    def __init__(self, payments: StripePayments, *, price_id: str):
        self._payments = payments
        self._client = payments.client
        self.price_id = price_id

    async def subscription_session(self, *, user_id: str, email: str, success_url: str,
                                   cancel_url: str, idempotency_key: str) -> str:
        async def request() -> stripe.checkout.Session:
            return await self._client.v1.checkout.sessions.create_async(
                params={"mode": "subscription", "client_reference_id": user_id,
                        "customer_email": email,
                        "line_items": [{"price": self.price_id, "quantity": 1}],
                        "subscription_data": {"metadata": {"user_id": user_id}},
                        "metadata": {"user_id": user_id},
                        "success_url": success_url, "cancel_url": cancel_url},
                options={"idempotency_key": idempotency_key},
            )
        session = await self._payments.call("checkout_session", request)
        return str(session.url)
