"""A small fake of the Stripe API, served on 127.0.0.1 by the test suite.

It answers the calls Praxis makes with the official `stripe` library (Checkout
sessions, refunds) and serves a stand-in for Stripe's hosted Checkout page: pressing
"Pay" there marks the session paid, delivers a `checkout.session.completed` webhook
signed with the test secret to `webhook_url`, and sends the browser to the success URL.
Nothing leaves the machine.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

WEBHOOK_SECRET = "whsec_test_praxis"
SECRET_KEY = "sk_test_praxis_fake"


def sign(payload: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """A Stripe-Signature header for the payload, as Stripe computes it."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def nested(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (a[b][0][c]=v) back into dicts and lists."""
    root: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        node = root
        for part, following in zip(parts, parts[1:]):
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return _lists(root)


def _lists(node):
    if isinstance(node, dict):
        if node and all(k.isdigit() for k in node):
            return [_lists(node[k]) for k in sorted(node, key=int)]
        return {k: _lists(v) for k, v in node.items()}
    return node


class FakeStripe:
    def __init__(self):
        self.sessions: dict[str, dict] = {}
        self.refunds: list[dict] = []
        self.requests: list[tuple[str, str]] = []
        self.webhook_url = ""
        self.deliveries = 1
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------ the API

    def create_session(self, params: dict) -> dict:
        n = next(self._ids)
        items = params.get("line_items", [])
        total = sum(int(i["price_data"]["unit_amount"]) * int(i.get("quantity", 1)) for i in items)
        session = {
            "id": f"cs_test_{n}", "object": "checkout.session", "mode": "payment",
            "amount_total": total, "currency": items[0]["price_data"]["currency"] if items else "usd",
            "metadata": params.get("metadata", {}), "client_reference_id": params.get("client_reference_id"),
            "customer_email": params.get("customer_email"), "success_url": params.get("success_url"),
            "cancel_url": params.get("cancel_url"), "payment_status": "unpaid", "status": "open",
            "payment_intent": f"pi_test_{n}", "url": f"{self.base}/pay/cs_test_{n}",
            "product": items[0]["price_data"]["product_data"]["name"] if items else "",
        }
        self.sessions[session["id"]] = session
        return session

    def completed_event(self, session_id: str) -> bytes:
        session = self.sessions[session_id]
        session.update(payment_status="paid", status="complete")
        event = {
            "id": f"evt_test_{session_id}", "object": "event", "type": "checkout.session.completed",
            "api_version": "2024-06-20", "created": int(time.time()), "livemode": False,
            "data": {"object": {k: v for k, v in session.items() if k != "product"}},
        }
        return json.dumps(event).encode()

    def deliver(self, payload: bytes) -> int:
        request = urllib.request.Request(
            self.webhook_url, data=payload, method="POST",
            headers={"Content-Type": "application/json", "Stripe-Signature": sign(payload)},
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status

    # ------------------------------------------------------------ HTTP

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Request-Id", "req_fake")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _form(self) -> dict:
                length = int(self.headers.get("Content-Length") or 0)
                return nested(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))

            def do_GET(self):
                fake.requests.append(("GET", self.path))
                if self.path.startswith("/pay/") and self.path[5:] in fake.sessions:
                    session = fake.sessions[self.path[5:]]
                    amount = f"{session['amount_total'] / 100:.2f} {session['currency'].upper()}"
                    page = (
                        "<!doctype html><html lang='en'><head><title>Fake Stripe Checkout</title></head><body>"
                        f"<main><h1>Pay {amount}</h1><p>{session['product']}</p>"
                        f"<form method='post'><label for='card'>Card number</label>"
                        "<input id='card' name='card' value='4242 4242 4242 4242'>"
                        "<button type='submit'>Pay</button></form></main></body></html>"
                    ).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html; charset=utf-8")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return
                if self.path.startswith("/v1/checkout/sessions/"):
                    session = fake.sessions.get(self.path.rsplit("/", 1)[1])
                    if session:
                        return self._json(200, session)
                self._json(404, {"error": {"type": "invalid_request_error", "message": "No such object"}})

            def do_POST(self):
                fake.requests.append(("POST", self.path))
                if self.path == "/v1/checkout/sessions":
                    return self._json(200, fake.create_session(self._form()))
                if self.path == "/v1/refunds":
                    params = self._form()
                    refund = {"id": f"re_test_{next(fake._ids)}", "object": "refund", "status": "succeeded",
                              "amount": int(params["amount"]), "payment_intent": params["payment_intent"]}
                    fake.refunds.append(refund)
                    return self._json(200, refund)
                if self.path.startswith("/pay/") and self.path[5:] in fake.sessions:
                    self._form()
                    payload = fake.completed_event(self.path[5:])
                    for _ in range(fake.deliveries):
                        fake.deliver(payload)
                    self.send_response(303)
                    self.send_header("Location", fake.sessions[self.path[5:]]["success_url"])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self._json(404, {"error": {"type": "invalid_request_error", "message": "Unknown path"}})

        return Handler
