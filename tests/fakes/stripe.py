"""A local stand-in for Stripe's API (PaymentIntents, Refunds, and for Connect payouts
Accounts, Account Links and Transfers) that speaks its wire format.

stripe-mock is not available here, and a mock of our own code would not show that the real
SDK's requests are right. So tests drive the official `stripe` SDK against this server: it
reads form bodies in Stripe's bracket notation (`metadata[booking_id]=...`), checks the
`Authorization: Bearer sk_test_...` key, honours `Idempotency-Key` the way Stripe does (same
key and parameters: the stored answer replayed with `Idempotent-Replayed: true`; other
parameters: a 400 `idempotency_error`), keeps intents and refunds in memory with Stripe's
rules (no refund beyond what was paid, no cancelling a paid intent), and answers Stripe-shaped
JSON objects and error bodies. Tests script failures (declined cards, 429 with Retry-After,
5xx, slow answers), stand in for the customer paying with `pay`/`fail`, and build signed
webhooks with `event_payload` and `sign_webhook`.
"""

import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from tests.fakes.server import ScriptedServer

API_KEY = "sk_test_fake_mockmate"
API_VERSION = "2025-11-17.clover"
_KEY_RE = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")


@dataclass(frozen=True)
class Reply:
    """A scripted answer for the next authenticated request: a delay, then (unless the status
    is 200, meaning "behave normally") an error. Scripted errors are not stored under the
    idempotency key, so a retry with the same key is served normally."""

    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0

    @classmethod
    def error(
        cls, status: int, kind: str, message: str, code: str | None = None,
        headers: dict[str, str] | None = None, **extra: Any,
    ) -> "Reply":
        error: dict[str, Any] = {"type": kind, "message": message, **extra}
        if code is not None:
            error["code"] = code
        return cls(status=status, body={"error": error}, headers=headers or {})

    @classmethod
    def card_declined(
        cls, message: str = "Your card was declined.", decline_code: str = "generic_decline"
    ) -> "Reply":
        return cls.error(402, "card_error", message, "card_declined", decline_code=decline_code)

    @classmethod
    def rate_limited(cls, retry_after: str | None = "1", should_retry: bool = True) -> "Reply":
        headers = {"Stripe-Should-Retry": "true" if should_retry else "false"}
        if retry_after is not None:
            headers["Retry-After"] = retry_after
        return cls.error(429, "invalid_request_error", "Too many requests hit the API too "
                         "quickly.", "rate_limit", headers)

    @classmethod
    def server_error(cls, status: int = 500) -> "Reply":
        return cls.error(status, "api_error", "An unknown error occurred.")

    @classmethod
    def slow(cls, delay_s: float) -> "Reply":
        return cls(delay_s=delay_s)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the fake received it; `form` is the body (or query) with brackets nested,
    `pairs` the flat (key, value) pairs as sent."""

    method: str
    path: str
    form: dict[str, Any]
    pairs: tuple[tuple[str, str], ...]
    headers: dict[str, str]

    @property
    def api_key(self) -> str | None:
        scheme, _, key = self.headers.get("Authorization", "").partition(" ")
        return key if scheme == "Bearer" else None

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("Idempotency-Key")


Answer = tuple[int, dict[str, Any]]


class FakeStripe(ScriptedServer[Reply, RecordedRequest]):
    """Use `async with FakeStripe() as fake:` and point the SDK's "api" base at `fake.url`."""

    def __init__(self, api_key: str = API_KEY) -> None:
        super().__init__(api_key, None)
        self.intents: dict[str, dict[str, Any]] = {}
        self.refunds: dict[str, dict[str, Any]] = {}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.transfers: dict[str, dict[str, Any]] = {}
        self.checkout_sessions: dict[str, dict[str, Any]] = {}
        self.replayed: list[str] = []  # idempotency keys answered from the store
        self._stored: dict[tuple[str, str], tuple[tuple[Any, ...], Answer]] = {}

    def routes(self, app: web.Application) -> None:
        app.router.add_post("/v1/payment_intents", self._create_intent)
        app.router.add_get("/v1/payment_intents/{id}", self._retrieve_intent)
        app.router.add_post("/v1/payment_intents/{id}/cancel", self._cancel_intent)
        app.router.add_post("/v1/refunds", self._create_refund)
        app.router.add_post("/v1/accounts", self._handler(self._new_account))
        app.router.add_get("/v1/accounts/{id}", self._handler(self._get_account))
        app.router.add_post("/v1/account_links", self._handler(self._account_link))
        app.router.add_post("/v1/transfers", self._handler(self._transfer))
        app.router.add_post("/v1/checkout/sessions", self._handler(self._checkout_session))
        app.router.add_route("*", "/{tail:.*}", self._unknown)

    # The customer's side, done in the browser with Stripe.js in real life.
    def pay(self, intent_id: str) -> dict[str, Any]:
        intent = self.intents[intent_id]
        intent.update(status="succeeded", amount_received=intent["amount"],
                      latest_charge="ch_" + secrets.token_hex(12), last_payment_error=None)
        return intent

    def fail(self, intent_id: str, message: str = "Your card was declined.") -> dict[str, Any]:
        intent = self.intents[intent_id]
        intent.update(status="requires_payment_method", last_payment_error={
            "type": "card_error", "code": "card_declined", "message": message})
        return intent

    def _handler(self, operation: Callable[[RecordedRequest], Answer]
                 ) -> Callable[[web.Request], Awaitable[web.Response]]:
        async def handle(request: web.Request) -> web.Response:
            return await self._serve(request, operation)
        return handle

    # The expert's side: finishing onboarding on Stripe's hosted pages.
    def enable_payouts(self, account_id: str) -> dict[str, Any]:
        account = self.accounts[account_id]
        account.update(payouts_enabled=True, charges_enabled=True, details_submitted=True)
        return account

    def _new_account(self, req: RecordedRequest) -> Answer:
        if req.form.get("type") not in ("express", "standard", "custom"):
            return _invalid("Missing required param: type.", "type", "parameter_missing")
        account_id = "acct_" + secrets.token_hex(8)
        self.accounts[account_id] = {
            "id": account_id, "object": "account", "type": req.form["type"],
            "email": req.form.get("email"), "metadata": dict(req.form.get("metadata", {})),
            "capabilities": {k: "inactive" for k in req.form.get("capabilities", {})},
            "payouts_enabled": False, "charges_enabled": False, "details_submitted": False,
            "created": int(time.time()),
        }
        return 200, self.accounts[account_id]

    def _get_account(self, req: RecordedRequest) -> Answer:
        account_id = req.path.split("/")[3]
        if account_id not in self.accounts:
            return _invalid(f"No such account: '{account_id}'", "account", "resource_missing",
                            status=404)
        return 200, self.accounts[account_id]

    def _account_link(self, req: RecordedRequest) -> Answer:
        account_id = str(req.form.get("account"))
        if account_id not in self.accounts:
            return _invalid(f"No such account: '{account_id}'", "account", "resource_missing")
        for param in ("refresh_url", "return_url", "type"):
            if not req.form.get(param):
                return _invalid(f"Missing required param: {param}.", param, "parameter_missing")
        return 200, {"object": "account_link", "created": int(time.time()),
                     "expires_at": int(time.time()) + 300,
                     "url": f"https://connect.stripe.com/setup/e/{account_id}/"
                            f"{secrets.token_urlsafe(12)}"}

    def _checkout_session(self, req: RecordedRequest) -> Answer:
        for param in ("mode", "success_url", "line_items"):
            if not req.form.get(param):
                return _invalid(f"Missing required param: {param}.", param, "parameter_missing")
        session_id = "cs_test_" + secrets.token_hex(12)
        self.checkout_sessions[session_id] = {
            "id": session_id, "object": "checkout.session", "mode": req.form["mode"],
            "client_reference_id": req.form.get("client_reference_id"),
            "customer_email": req.form.get("customer_email"),
            "line_items": req.form["line_items"],
            "subscription_data": req.form.get("subscription_data", {}),
            "metadata": dict(req.form.get("metadata", {})),
            "success_url": req.form["success_url"], "cancel_url": req.form.get("cancel_url"),
            "status": "open", "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "created": int(time.time()),
        }
        return 200, self.checkout_sessions[session_id]

    def _transfer(self, req: RecordedRequest) -> Answer:
        account = self.accounts.get(str(req.form.get("destination")))
        amount = _int(req.form.get("amount"))
        if account is None:
            return _invalid("No such destination.", "destination", "resource_missing")
        if not account["payouts_enabled"]:
            return _invalid("The destination account needs to finish onboarding.",
                            "destination", "account_invalid")
        if amount is None or amount < 1:
            return _invalid("Amount must be a positive integer.", "amount", "amount_too_small")
        transfer_id = "tr_" + secrets.token_hex(12)
        self.transfers[transfer_id] = {
            "id": transfer_id, "object": "transfer", "amount": amount,
            "currency": req.form.get("currency"), "destination": account["id"],
            "transfer_group": req.form.get("transfer_group"),
            "metadata": dict(req.form.get("metadata", {})), "created": int(time.time()),
            "reversed": False,
        }
        return 200, self.transfers[transfer_id]

    async def _create_intent(self, request: web.Request) -> web.Response:
        return await self._serve(request, self._new_intent)

    async def _retrieve_intent(self, request: web.Request) -> web.Response:
        return await self._serve(request, self._get_intent)

    async def _cancel_intent(self, request: web.Request) -> web.Response:
        return await self._serve(request, self._cancel)

    async def _create_refund(self, request: web.Request) -> web.Response:
        return await self._serve(request, self._refund)

    async def _unknown(self, request: web.Request) -> web.Response:
        return await self._serve(request, lambda r: _invalid(
            f"Unrecognized request URL ({r.method}: {r.path}).", status=404))

    async def _serve(
        self, request: web.Request, operation: Callable[[RecordedRequest], Answer]
    ) -> web.Response:
        if request.method == "POST":
            pairs = tuple((k, str(v)) for k, v in (await request.post()).items())
        else:
            pairs = tuple(request.query.items())
        recorded = RecordedRequest(request.method, request.path, nest(pairs), pairs,
                                   dict(request.headers))
        self.requests.append(recorded)
        if recorded.api_key != self.api_key:
            return _respond(401, {"error": {
                "type": "invalid_request_error",
                "message": f"Invalid API Key provided: {str(recorded.api_key)[:8]}****"}})
        reply = self.next_reply()
        if reply is not None:
            await self.pause(reply.delay_s)
            if reply.status != 200:
                return _respond(reply.status, reply.body or {}, reply.headers)
        key = recorded.idempotency_key if request.method == "POST" else None
        fingerprint = (recorded.method, recorded.path, tuple(sorted(pairs)))
        if key is not None and (self.api_key, key) in self._stored:
            seen, (status, body) = self._stored[(self.api_key, key)]
            if seen != fingerprint:
                return _respond(400, {"error": {
                    "type": "idempotency_error", "message": "Keys for idempotent requests can "
                    "only be used with the same parameters they were first used with."}})
            self.replayed.append(key)
            return _respond(status, body, {"Idempotent-Replayed": "true",
                                           "Idempotency-Key": key})
        status, body = operation(recorded)
        if key is not None:
            self._stored[(self.api_key, key)] = (fingerprint, (status, body))
        return _respond(status, body, {"Idempotency-Key": key} if key else {})

    def _new_intent(self, req: RecordedRequest) -> Answer:
        amount, currency = _int(req.form.get("amount")), req.form.get("currency")
        if amount is None or amount < 1:
            return _invalid("Amount must be a positive integer.", "amount", "amount_too_small")
        if not isinstance(currency, str) or len(currency) != 3:
            return _invalid("Missing required param: currency.", "currency",
                            "parameter_missing")
        intent_id = "pi_" + secrets.token_hex(12)
        automatic = req.form.get("automatic_payment_methods", {})
        self.intents[intent_id] = {
            "id": intent_id, "object": "payment_intent", "amount": amount,
            "amount_capturable": 0, "amount_received": 0, "currency": currency.lower(),
            "status": "requires_payment_method", "capture_method": "automatic",
            "client_secret": f"{intent_id}_secret_{secrets.token_hex(12)}",
            "automatic_payment_methods": {"enabled": automatic.get("enabled") == "true"},
            "metadata": dict(req.form.get("metadata", {})), "livemode": False,
            "created": int(time.time()), "latest_charge": None, "last_payment_error": None,
            "canceled_at": None, "cancellation_reason": None,
        }
        return 200, self.intents[intent_id]

    def _get_intent(self, req: RecordedRequest) -> Answer:
        intent_id = req.path.split("/")[3]
        if intent_id not in self.intents:
            return _invalid(f"No such payment_intent: '{intent_id}'", "intent",
                            "resource_missing", status=404)
        return 200, self.intents[intent_id]

    def _cancel(self, req: RecordedRequest) -> Answer:
        status, intent = self._get_intent(req)
        if status != 200:
            return status, intent
        if intent["status"] in ("succeeded", "canceled"):
            return _invalid(f"You cannot cancel this PaymentIntent because it has a status of "
                            f"{intent['status']}.", None, "payment_intent_unexpected_state",
                            payment_intent=intent)
        intent.update(status="canceled", canceled_at=int(time.time()),
                      cancellation_reason=req.form.get("cancellation_reason"))
        return 200, intent

    def _refund(self, req: RecordedRequest) -> Answer:
        intent = self.intents.get(str(req.form.get("payment_intent")))
        if intent is None:
            return _invalid(f"No such payment_intent: '{req.form.get('payment_intent')}'",
                            "payment_intent", "resource_missing")
        if intent["status"] != "succeeded":
            return _invalid("This PaymentIntent does not have a successful charge to refund.",
                            "payment_intent", "charge_not_refundable")
        refunded = sum(r["amount"] for r in self.refunds.values()
                       if r["payment_intent"] == intent["id"])
        remaining = intent["amount_received"] - refunded
        amount = _int(req.form.get("amount", remaining))
        if remaining <= 0:
            return _invalid(f"Charge {intent['latest_charge']} has already been refunded.",
                            None, "charge_already_refunded")
        if amount is None or amount < 1 or amount > remaining:
            return _invalid(f"Refund amount ({amount}) is greater than unrefunded amount on "
                            f"charge ({remaining})", "amount", "amount_too_large")
        refund_id = "re_" + secrets.token_hex(12)
        self.refunds[refund_id] = {
            "id": refund_id, "object": "refund", "amount": amount,
            "currency": intent["currency"], "payment_intent": intent["id"],
            "charge": intent["latest_charge"], "status": "succeeded",
            "reason": req.form.get("reason"), "metadata": dict(req.form.get("metadata", {})),
            "created": int(time.time()),
        }
        return 200, self.refunds[refund_id]


def nest(pairs: tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """Stripe's bracket notation as nested dicts: `a[b][c]=v` -> {"a": {"b": {"c": "v"}}}."""
    out: dict[str, Any] = {}
    for key, value in pairs:
        match = _KEY_RE.match(key)
        parts = [key] if match is None else [match.group(1),
                                             *re.findall(r"\[([^\[\]]*)\]", match.group(2))]
        node = out
        for part in parts[:-1]:
            child = node.setdefault(part, {})
            node = child if isinstance(child, dict) else node.setdefault(part + "[]", {})
        node[parts[-1]] = value
    return out


def sign_webhook(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """A `Stripe-Signature` header for `payload`: `t=<unix time>,v1=<HMAC-SHA256 hex>` over
    `"<t>.<payload>"`, computed here independently of the SDK."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def event_payload(type: str, intent: dict[str, Any], event_id: str | None = None) -> bytes:
    """A Stripe event (as sent to webhooks) about `intent`, JSON-encoded."""
    return json.dumps({
        "id": event_id or "evt_" + secrets.token_hex(12), "object": "event",
        "api_version": API_VERSION, "created": int(time.time()), "livemode": False,
        "pending_webhooks": 1, "request": {"id": None, "idempotency_key": None},
        "type": type, "data": {"object": intent},
    }).encode()


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _invalid(
    message: str, param: str | None = None, code: str | None = None, *, status: int = 400,
    **extra: Any,
) -> Answer:
    error: dict[str, Any] = {"type": "invalid_request_error", "message": message, **extra}
    if param is not None:
        error["param"] = param
    if code is not None:
        error["code"] = code
    return status, {"error": error}


def _respond(status: int, body: dict[str, Any], headers: dict[str, str] | None = None
             ) -> web.Response:
    extra = {"Request-Id": "req_" + secrets.token_hex(7), **(headers or {})}
    return web.json_response(body, status=status, headers=extra)
