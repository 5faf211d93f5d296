"""Acme Shop orders API — the HARDENED TWIN of the apiward testbed.

Same routes and data as vuln_app.py; each plant is fixed here and marked `# FIX <id>`.
The OpenAPI document is not served (docs off); it is written at start-up to the file named by
TWIN_SPEC_PATH (start.sh: .run/twin-openapi.json) and handed to the scanner with --spec.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import ipaddress
import json
import os
import secrets
import threading
import time
import uuid
from contextlib import asynccontextmanager
from typing import Literal, Optional
from urllib.parse import urlsplit

import jwt
from botocore.exceptions import ClientError
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyHeader, HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

import common

# FIX auth-jwt-weak-secret: strong random secret (start.sh generates one per run), short-lived tokens.
JWT_SECRET = os.environ.get("TWIN_JWT_SECRET") or secrets.token_urlsafe(48)
JWT_ISSUER = "acme-shop-twin"
LOGIN_TOKEN_TTL_S = 900
PARTNER_KEY = os.environ.get("TWIN_PARTNER_KEY") or secrets.token_urlsafe(32)
CURSOR_KEY = secrets.token_bytes(32)
RATE_LIMIT = int(os.environ.get("TWIN_RATE_LIMIT", "50"))
RATE_WINDOW_S = int(os.environ.get("TWIN_RATE_WINDOW", "10"))
CORS_ORIGINS = [o for o in os.environ.get("TWIN_CORS_ORIGINS", "https://shop.acme-shop.example").split(",") if o]
SPEC_PATH = os.environ.get("TWIN_SPEC_PATH")


@asynccontextmanager
async def lifespan(app_: FastAPI):
    if SPEC_PATH:
        tmp = SPEC_PATH + ".tmp"
        with open(tmp, "w") as f:
            json.dump(app_.openapi(), f, indent=2)
        os.replace(tmp, SPEC_PATH)
    yield


RATE_LIMIT_HEADERS = {
    "RateLimit-Limit": {"schema": {"type": "integer"}, "description": "Requests allowed per window"},
    "RateLimit-Remaining": {"schema": {"type": "integer"}, "description": "Requests left in the window"},
    "RateLimit-Reset": {"schema": {"type": "integer"}, "description": "Seconds until the window resets"},
}
COMMON_RESPONSES = {
    401: {"description": "Missing or invalid credentials"},
    429: {"description": "Too many requests", "headers": {**RATE_LIMIT_HEADERS,
                                                          "Retry-After": {"schema": {"type": "integer"}}}},
}

# FIX inv-docs-exposed: no /docs, /redoc or /openapi.json; the spec goes to a file (TWIN_SPEC_PATH).
# FIX data-traceback: debug off; a generic error handler below.
# FIX inv-staging-server: no servers list (the scanner is given the base URL).
app = FastAPI(title="Acme Shop Orders API", version="2.3.1", debug=False, docs_url=None, redoc_url=None,
              openapi_url=None, lifespan=lifespan, responses=COMMON_RESPONSES)

# FIX input-cors-reflect: explicit allow-list.
# FIX input-options-dangerous-methods: no catch-all OPTIONS handler; Starlette answers a plain OPTIONS
# with 405 and an Allow header listing only the route's real methods.
app.add_middleware(CORSMiddleware, allow_origins=CORS_ORIGINS, allow_credentials=True,
                   allow_methods=["GET", "POST", "PATCH"], allow_headers=["Authorization", "Content-Type"])

_rl_lock = threading.Lock()
_rl_windows: dict[tuple[str, str], list] = {}

SECURITY_HEADERS = {
    # FIX auth-no-security-headers
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
}


@app.middleware("http")
async def rate_limit_and_headers(request: Request, call_next):
    # FIX rl-no-rate-limit: fixed-window limit per client and resource (first two path segments),
    # RateLimit-* headers on every response and real 429s with Retry-After.
    client = request.client.host if request.client else "?"
    bucket = "/".join(request.url.path.split("/")[:3])
    now = time.monotonic()
    with _rl_lock:
        win = _rl_windows.get((client, bucket))
        if win is None or now - win[0] >= RATE_WINDOW_S:
            win = [now, 0]
            _rl_windows[(client, bucket)] = win
        win[1] += 1
        count, reset = win[1], max(1, int(RATE_WINDOW_S - (now - win[0]) + 0.999))
    rl = {"RateLimit-Limit": str(RATE_LIMIT), "RateLimit-Remaining": str(max(0, RATE_LIMIT - count)),
          "RateLimit-Reset": str(reset), "RateLimit-Policy": f"{RATE_LIMIT};w={RATE_WINDOW_S}"}
    if count > RATE_LIMIT:
        response = JSONResponse(status_code=429, content={"detail": "Too many requests"},
                                headers={"Retry-After": str(reset)})
    else:
        response = await call_next(request)
    response.headers.update(rl)
    response.headers.update(SECURITY_HEADERS)
    # FIX data-server-banner: no X-Powered-By; uvicorn runs with --no-server-header.
    return response


# FIX input-422-echo-secret: validation errors never echo the submitted input.
@app.exception_handler(RequestValidationError)
async def validation_error(request: Request, exc: RequestValidationError):
    return JSONResponse(status_code=422, content={"detail": [{"loc": list(e.get("loc", ())), "msg": e.get("msg"),
                                                              "type": e.get("type")} for e in exc.errors()]})


@app.exception_handler(StarletteHTTPException)
async def http_error(request: Request, exc: StarletteHTTPException):
    headers = dict(exc.headers or {})
    if exc.status_code == 401:
        # FIX auth-401-no-challenge
        headers.setdefault("WWW-Authenticate", 'Bearer realm="acme-shop"')
    return JSONResponse(status_code=exc.status_code, content={"detail": exc.detail}, headers=headers)


@app.exception_handler(Exception)
async def unhandled(request: Request, exc: Exception):
    return JSONResponse(status_code=500, content={"detail": "Internal error", "request_id": str(uuid.uuid4())})


def generic_unavailable() -> JSONResponse:
    # FIX data-clienterror-validation / data-clienterror-accessdenied: no ClientError text, no ARNs.
    return JSONResponse(status_code=503, content={"detail": "Service temporarily unavailable",
                                                  "request_id": str(uuid.uuid4())})


_resource = None
_client = None


def table(name: str):
    global _resource
    if _resource is None:
        _resource = common.resource()
    return _resource.Table(name)


def ddb():
    global _client
    if _client is None:
        _client = common.client()
        common.install_simulated_iam(_client, {"Scan": {"ledger"}})
    return _client


bearer = HTTPBearer(auto_error=False, scheme_name="bearerAuth")
partner_key_header = APIKeyHeader(name="X-API-Key", scheme_name="partnerKey", auto_error=False)


def issue_token(user_id: str, ttl_s: int = LOGIN_TOKEN_TTL_S) -> str:
    # FIX auth-login-jwt-pii: only an opaque subject, issuer, expiry and id in the claims.
    now = int(time.time())
    return jwt.encode({"sub": user_id, "iss": JWT_ISSUER, "iat": now, "exp": now + ttl_s, "jti": uuid.uuid4().hex},
                      JWT_SECRET, algorithm="HS256")


def current_user(creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer)) -> dict:
    if creds is None:
        raise HTTPException(status_code=401, detail="Not authenticated")
    try:
        # FIX auth-alg-none-accepted: signature always verified, one algorithm, exp required.
        claims = jwt.decode(creds.credentials, JWT_SECRET, algorithms=["HS256"], issuer=JWT_ISSUER,
                            options={"require": ["sub", "exp", "iat", "iss"]})
    except jwt.PyJWTError:
        raise HTTPException(status_code=401, detail="Invalid token",
                            headers={"WWW-Authenticate": 'Bearer realm="acme-shop", error="invalid_token"'})
    item = table("users").get_item(Key={"user_id": claims["sub"]},
                                   ProjectionExpression="user_id, username, display_name, email, #r",
                                   ExpressionAttributeNames={"#r": "role"}).get("Item")
    if not item:
        raise HTTPException(status_code=401, detail="Invalid token")
    return common.plain(item)


def admin_user(user: dict = Depends(current_user)) -> dict:
    # FIX bfla-admin-unauth: admin routes require a token.  FIX bfla-internal-export-any-user: and the
    # admin role, checked server-side from the user item (never from token claims).
    if user.get("role") != "admin":
        raise HTTPException(status_code=403, detail="Forbidden")
    return user


def own_or_404(owner_id: str, user: dict) -> None:
    # FIX bola-sequential-orders / FIX bola-l2-payment-method: ownership check on every object route;
    # other users' objects look like missing ones (404).
    if owner_id != user["user_id"] and user.get("role") != "admin":
        raise HTTPException(status_code=404, detail="Not found")


def _keystream(nonce: bytes, n: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(CURSOR_KEY + nonce + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:n]


def encode_cursor(state: dict) -> str:
    # Opaque cursor: the DynamoDB key is encrypted (SHA-256 keystream) and authenticated (HMAC), so a
    # client can neither read the LastEvaluatedKey nor forge one.
    raw = json.dumps(state, separators=(",", ":"), default=str).encode()
    nonce = secrets.token_bytes(12)
    ct = bytes(a ^ b for a, b in zip(raw, _keystream(nonce, len(raw))))
    mac = hmac.new(CURSOR_KEY, nonce + ct, hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(nonce + mac + ct).decode().rstrip("=")


def decode_cursor(cursor: str) -> dict:
    try:
        blob = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        nonce, mac, ct = blob[:12], blob[12:28], blob[28:]
        if not hmac.compare_digest(mac, hmac.new(CURSOR_KEY, nonce + ct, hashlib.sha256).digest()[:16]):
            raise ValueError
        return json.loads(bytes(a ^ b for a, b in zip(ct, _keystream(nonce, len(ct)))))
    except Exception:
        raise HTTPException(status_code=400, detail="Invalid cursor")


# ---------------------------------------------------------------------------------------------
# Models (the documented schemas are exactly what is returned)
# ---------------------------------------------------------------------------------------------
class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UserOut(BaseModel):
    user_id: str
    username: str
    display_name: str


class PublicProfile(BaseModel):
    user_id: str
    display_name: str
    city: str


class Me(BaseModel):
    user_id: str
    username: str
    display_name: str
    email: str


class LoginBody(Strict):
    username: str = Field(max_length=64, pattern=r"^[a-z0-9_.-]+$")
    password: str = Field(max_length=128, json_schema_extra={"format": "password", "writeOnly": True})


class TokenOut(BaseModel):
    access_token: str
    token_type: Literal["bearer"]
    expires_in: int


class ProfileUpdate(Strict):
    # FIX prop-mass-assignment: only display_name is writable; extra properties are rejected.
    display_name: str = Field(min_length=1, max_length=60)


class PaymentMethodOut(BaseModel):
    pm_id: str
    type: str
    brand: Optional[str] = None
    card_number_masked: Optional[str] = Field(None, json_schema_extra={"x-redacted": True})
    exp_month: Optional[int] = None
    exp_year: Optional[int] = None
    iban_masked: Optional[str] = Field(None, json_schema_extra={"x-redacted": True})


class PaymentMethodList(BaseModel):
    items: list[PaymentMethodOut]


class StatementAccount(BaseModel):
    pm_id: str
    masked: str = Field(json_schema_extra={"x-redacted": True})


class StatementTx(BaseModel):
    order_id: int
    total: float
    created_at: str


class Statement(BaseModel):
    customer_id: str
    display_name: str
    accounts: list[StatementAccount]
    transactions: list[StatementTx]


class OrderItem(BaseModel):
    sku: str
    name: str
    qty: int
    unit_price: float


class OrderOut(BaseModel):
    order_id: int
    status: str
    items: list[OrderItem]
    total: float
    currency: str
    card_last4: str
    created_at: str


class OrderPage(BaseModel):
    items: list[OrderOut]
    next_cursor: Optional[str] = None


class Invoice(BaseModel):
    order_id: int
    total: float
    discount_percent: int
    due: float


class KycOut(BaseModel):
    record_id: str
    document_type: str
    verified: bool
    ssn_masked: str = Field(json_schema_extra={"x-redacted": True})


class AdminUserPage(BaseModel):
    users: list[UserOut]
    next_cursor: Optional[str] = None


class Product(BaseModel):
    sku: str
    name: str
    price: float
    stock: int


class ProductPage(BaseModel):
    items: list[Product]
    next_cursor: Optional[str] = None


class WebhookIn(Strict):
    url: str = Field(max_length=2048, json_schema_extra={"format": "uri"})
    events: list[Literal["order.created", "order.shipped"]] = Field(default=["order.created"], max_length=5)


class WebhookOut(BaseModel):
    webhook_id: str
    url: str
    events: list[str]
    status: str


class WebhookList(BaseModel):
    items: list[WebhookOut]


class Offer(BaseModel):
    partner: str
    title: str
    link: Optional[str] = None


class OfferList(BaseModel):
    offers: list[Offer]


class ChatMessage(Strict):
    role: Literal["user", "assistant"]
    content: str = Field(max_length=2000)


class ChatRequest(Strict):
    messages: list[ChatMessage] = Field(min_length=1, max_length=20)


class ChatChoiceMessage(BaseModel):
    role: str
    content: str


class ChatChoice(BaseModel):
    message: ChatChoiceMessage


class ChatResponse(BaseModel):
    model: str
    choices: list[ChatChoice]


class AssistantInfo(BaseModel):
    model: str
    capabilities: list[str]


class Status(BaseModel):
    status: str


class Cart(BaseModel):
    items: list[dict]
    currency: str


class Report(BaseModel):
    orders: int
    revenue: float


class PartnerOrder(BaseModel):
    order_id: int
    status: str


class PartnerOrders(BaseModel):
    orders: list[PartnerOrder]


class LedgerEntry(BaseModel):
    entry_id: str
    amount: float


class Ledger(BaseModel):
    entries: list[LedgerEntry]


def UID():
    return Path(..., examples=["u1001"], max_length=16, pattern=r"^u\d{4,8}$")


def OID():
    return Path(..., examples=[5001], ge=1, le=99_999_999)


def pm_out(p: dict) -> PaymentMethodOut:
    # FIX bola-l2-payment-method (part): card numbers and IBANs masked, CVV never returned.
    if p["type"] == "card":
        return PaymentMethodOut(pm_id=p["pm_id"], type="card", brand=p["brand"], card_number_masked=common.mask_card(p["card_number"]),
                                exp_month=p["exp_month"], exp_year=p["exp_year"])
    return PaymentMethodOut(pm_id=p["pm_id"], type=p["type"], iban_masked=common.mask_iban(p["iban"]))


def order_out(o: dict) -> OrderOut:
    return OrderOut(**{k: o[k] for k in OrderOut.model_fields})


# ---------------------------------------------------------------------------------------------
# Health, cart, auth
# ---------------------------------------------------------------------------------------------
@app.get("/v2/health", tags=["ops"], response_model=Status)
async def health():
    return {"status": "ok"}


@app.get("/v2/cart", tags=["shop"], response_model=Cart)
async def cart(response: Response):
    # FIX enc-cookie-no-flags
    response.set_cookie("cart_session", "cs_" + secrets.token_hex(12), httponly=True, secure=True, samesite="strict")
    return {"items": [], "currency": "USD"}


@app.post("/v2/auth/login", tags=["auth"], response_model=TokenOut)
async def login(body: LoginBody, response: Response):
    items = table("users").scan(FilterExpression="username = :u", ExpressionAttributeValues={":u": body.username},
                                ProjectionExpression="user_id, password_hash").get("Items", [])
    if not items or not common.verify_password(body.password, items[0]["password_hash"]):
        raise HTTPException(status_code=401, detail="Bad username or password")
    token = issue_token(items[0]["user_id"])
    response.set_cookie("session", token, httponly=True, secure=True, samesite="strict", max_age=LOGIN_TOKEN_TTL_S)
    return {"access_token": token, "token_type": "bearer", "expires_in": LOGIN_TOKEN_TTL_S}


# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------
@app.get("/v2/users/{user_id}", tags=["users"], response_model=UserOut)
async def get_user(user_id: str = UID(), user: dict = Depends(current_user)):
    # FIX data-user-full-item: auth, ownership, and a ProjectionExpression of non-sensitive attributes.
    own_or_404(user_id, user)
    item = table("users").get_item(Key={"user_id": user_id},
                                   ProjectionExpression="user_id, username, display_name").get("Item")
    if not item:
        raise HTTPException(404, "Not found")
    return common.plain(item)


@app.get("/v2/users/{user_id}/profile", tags=["users"], response_model=PublicProfile)
async def get_profile(user_id: str = UID(), user: dict = Depends(current_user)):
    # FIX prop-undocumented-fields: response_model is the body (FastAPI filters to it).
    own_or_404(user_id, user)
    item = table("users").get_item(Key={"user_id": user_id}, ProjectionExpression="user_id, display_name, address.city").get("Item")
    if not item:
        raise HTTPException(404, "Not found")
    return {"user_id": item["user_id"], "display_name": item["display_name"], "city": item["address"]["city"]}


@app.get("/v2/me", tags=["users"], response_model=Me)
async def me(user: dict = Depends(current_user)):
    # FIX prop-me-extra-fields
    return user


@app.patch("/v2/me", tags=["users"], response_model=Me)
async def update_me(body: ProfileUpdate, user: dict = Depends(current_user)):
    table("users").update_item(Key={"user_id": user["user_id"]}, UpdateExpression="SET display_name = :d",
                               ExpressionAttributeValues={":d": body.display_name})
    user["display_name"] = body.display_name
    return user


@app.get("/v2/me/payment-methods", tags=["payments"], response_model=PaymentMethodList)
async def my_payment_methods(user: dict = Depends(current_user)):
    res = table("payment_methods").query(IndexName="by_user", KeyConditionExpression="user_id = :u",
                                         ExpressionAttributeValues={":u": user["user_id"]})
    return {"items": [pm_out(common.plain(p)) for p in res["Items"]]}


@app.get("/v2/payment-methods/{pm_id}", tags=["payments"], response_model=PaymentMethodOut)
async def get_payment_method(pm_id: str = Path(..., examples=["pm_7daee734fb06"], pattern=r"^pm_[0-9a-f]{12}$"),
                             user: dict = Depends(current_user)):
    # FIX bola-l2-payment-method: owner check.
    item = table("payment_methods").get_item(Key={"pm_id": pm_id}).get("Item")
    if not item:
        raise HTTPException(404, "Not found")
    own_or_404(item["user_id"], user)
    return pm_out(common.plain(item))


@app.get("/v2/customers/{customer_id}/statement", tags=["payments"], response_model=Statement)
async def statement(customer_id: str = Path(..., examples=["u1001"], pattern=r"^u\d{4,8}$"),
                    user: dict = Depends(current_user)):
    # FIX auth-scheme-not-enforced: the declared scheme is enforced, plus ownership; masked accounts.
    own_or_404(customer_id, user)
    u = table("users").get_item(Key={"user_id": customer_id}, ProjectionExpression="display_name").get("Item")
    if not u:
        raise HTTPException(404, "Not found")
    pms = [common.plain(p) for p in table("payment_methods").query(
        IndexName="by_user", KeyConditionExpression="user_id = :u", ExpressionAttributeValues={":u": customer_id})["Items"]]
    orders = common.plain(table("orders").query(IndexName="by_user", KeyConditionExpression="user_id = :u",
                                                ExpressionAttributeValues={":u": customer_id})["Items"])
    return {"customer_id": customer_id, "display_name": u["display_name"],
            "accounts": [{"pm_id": p["pm_id"], "masked": common.mask_card(p["card_number"]) if p["type"] == "card"
                          else common.mask_iban(p["iban"])} for p in pms],
            "transactions": [{"order_id": o["order_id"], "total": o["total"], "created_at": o["created_at"]} for o in orders]}


# ---------------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------------
@app.get("/v2/orders", tags=["orders"], response_model=OrderPage)
async def list_orders(limit: int = Query(20, ge=1, le=50), cursor: Optional[str] = Query(None, max_length=512),
                      user: dict = Depends(current_user)):
    # FIX rl-unbounded-scan-list: Query on the caller's index, bounded page size, opaque signed cursor.
    kwargs = {"IndexName": "by_user", "KeyConditionExpression": "user_id = :u",
              "ExpressionAttributeValues": {":u": user["user_id"]}, "Limit": limit}
    if cursor:
        state = decode_cursor(cursor)
        if state.get("u") != user["user_id"]:
            raise HTTPException(400, "Invalid cursor")
        kwargs["ExclusiveStartKey"] = common.to_dynamo(state["k"])
    res = table("orders").query(**kwargs)
    nxt = encode_cursor({"u": user["user_id"], "k": common.plain(res["LastEvaluatedKey"])}) if "LastEvaluatedKey" in res else None
    return {"items": [order_out(o) for o in common.plain(res["Items"])], "next_cursor": nxt}


@app.get("/v2/orders/{order_id}", tags=["orders"], response_model=OrderOut)
async def get_order(order_id: int = OID(), user: dict = Depends(current_user)):
    # FIX bola-sequential-orders: auth + owner check; no contact data in the body.
    item = table("orders").get_item(Key={"order_id": order_id}).get("Item")
    if not item:
        raise HTTPException(404, "Not found")
    own_or_404(item["user_id"], user)
    return order_out(common.plain(item))


@app.get("/v2/orders/{order_id}/invoice", tags=["orders"], response_model=Invoice)
async def invoice(order_id: int = OID(), user: dict = Depends(current_user)):
    item = common.plain(table("orders").get_item(Key={"order_id": order_id}).get("Item") or {})
    if not item:
        raise HTTPException(404, "Not found")
    own_or_404(item["user_id"], user)
    discount = (item.get("coupon") or {}).get("percent", 0)  # FIX data-traceback
    return {"order_id": order_id, "total": item["total"], "discount_percent": discount,
            "due": round(item["total"] * (100 - discount) / 100, 2)}


@app.get("/v2/orders/by-ref/{ref}", tags=["orders"], response_model=OrderOut)
async def order_by_ref(ref: str = Path(..., examples=["5001"], pattern=r"^\d{1,8}$"), user: dict = Depends(current_user)):
    # FIX data-clienterror-validation: typed key, generic error on any ClientError.
    try:
        item = table("orders").get_item(Key={"order_id": int(ref)}).get("Item")
    except ClientError:
        return generic_unavailable()
    if not item:
        raise HTTPException(404, "Not found")
    own_or_404(item["user_id"], user)
    return order_out(common.plain(item))


@app.get("/v2/ledger", tags=["finance"], response_model=Ledger)
async def ledger(user: dict = Depends(admin_user)):
    # FIX data-clienterror-accessdenied: admin only; the AccessDenied text is logged, not returned.
    try:
        res = ddb().scan(TableName="ledger", Limit=100)
    except ClientError:
        return generic_unavailable()
    return {"entries": [common.deserialize_item(i) for i in res["Items"]]}


@app.get("/v2/kyc/records/{record_id}", tags=["kyc"], response_model=KycOut)
async def kyc_record(record_id: str = Path(..., examples=["kyc-0001"], pattern=r"^kyc-\d{4}$"),
                     user: dict = Depends(current_user)):
    # FIX data-attributevalue-raw: deserialised, owner-checked, projected and masked.
    res = ddb().get_item(TableName="kyc_records", Key={"record_id": {"S": record_id}},
                         ProjectionExpression="record_id, user_id, document_type, verified, ssn")
    if "Item" not in res:
        raise HTTPException(404, "Not found")
    rec = common.deserialize_item(res["Item"])
    own_or_404(rec["user_id"], user)
    return {"record_id": rec["record_id"], "document_type": rec["document_type"], "verified": rec["verified"],
            "ssn_masked": common.mask_ssn(rec["ssn"])}


# ---------------------------------------------------------------------------------------------
# Admin / internal
# ---------------------------------------------------------------------------------------------
@app.get("/v2/admin/users", tags=["admin"], response_model=AdminUserPage)
async def admin_users(limit: int = Query(20, ge=1, le=50), cursor: Optional[str] = Query(None, max_length=512),
                      user: dict = Depends(admin_user)):
    kwargs = {"Limit": limit, "ProjectionExpression": "user_id, username, display_name"}
    if cursor:
        kwargs["ExclusiveStartKey"] = decode_cursor(cursor)["k"]
    res = table("users").scan(**kwargs)
    nxt = encode_cursor({"k": res["LastEvaluatedKey"]}) if "LastEvaluatedKey" in res else None
    return {"users": common.plain(res["Items"]), "next_cursor": nxt}


@app.get("/v2/internal/users/export", tags=["internal"], response_model=AdminUserPage)
async def export_users(user: dict = Depends(admin_user)):
    res = table("users").scan(Limit=50, ProjectionExpression="user_id, username, display_name")
    return {"users": common.plain(res["Items"]), "next_cursor": None}


@app.get("/v2/reports/daily", tags=["reports"], response_model=Report)
async def daily_report(user: dict = Depends(admin_user)):
    # FIX auth-basic-over-http: bearer token of an admin instead of HTTP basic.
    orders = common.plain(table("orders").scan(ProjectionExpression="#t", ExpressionAttributeNames={"#t": "total"})["Items"])
    return {"orders": len(orders), "revenue": round(sum(o["total"] for o in orders), 2)}


@app.get("/v2/partners/orders", tags=["partners"], response_model=PartnerOrders)
async def partner_orders(key: Optional[str] = Depends(partner_key_header)):
    # FIX auth-apikey-in-query: the partner key is a header, compared in constant time.
    if not key or not hmac.compare_digest(key, PARTNER_KEY):
        raise HTTPException(401, "Not authenticated", headers={"WWW-Authenticate": 'ApiKey realm="partners"'})
    res = table("orders").scan(Limit=50, ProjectionExpression="order_id, #s", ExpressionAttributeNames={"#s": "status"})
    return {"orders": common.plain(res["Items"])}


# FIX data-debug-config: no /debug/config route.  FIX inv-shadow-metrics: no /internal/metrics route.


# ---------------------------------------------------------------------------------------------
# Catalogue
# ---------------------------------------------------------------------------------------------
PRODUCTS = common.products()


@app.get("/v2/products", tags=["shop"], response_model=ProductPage)
async def list_products(limit: int = Query(20, ge=1, le=100), cursor: Optional[str] = Query(None, max_length=512)):
    # FIX rl-limit-ignored: limit enforced (max 100), opaque cursor.
    start = int(decode_cursor(cursor)["o"]) if cursor else 0
    page = PRODUCTS[start:start + limit]
    nxt = encode_cursor({"o": start + limit}) if start + limit < len(PRODUCTS) else None
    return {"items": page, "next_cursor": nxt}


# ---------------------------------------------------------------------------------------------
# Legacy v1
# ---------------------------------------------------------------------------------------------
@app.api_route("/v1/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False)
async def v1_gone(rest: str):
    # FIX inv-deprecated-v1: v1 retired.
    return JSONResponse(status_code=410, content={"detail": "API v1 has been retired; use /v2"})


# ---------------------------------------------------------------------------------------------
# Outbound URLs
# ---------------------------------------------------------------------------------------------
PREVIEW_HOSTS = {"www.acme-shop.example", "blog.acme-shop.example"}
PREVIEW_CACHE = {"https://www.acme-shop.example/": {"title": "Acme Shop", "snippet": "Gadgets for every desk."}}


@app.get("/v2/link-preview", tags=["shop"])
def link_preview(url: str = Query(..., max_length=2048, json_schema_extra={"format": "uri"}),
                 user: dict = Depends(current_user)):
    # FIX ssrf-link-preview: https only, host allow-list, served from a pre-fetched cache; the API
    # itself never fetches user-supplied URLs.
    parts = urlsplit(url)
    if parts.scheme != "https" or parts.hostname not in PREVIEW_HOSTS:
        raise HTTPException(400, "URL not allowed")
    cached = PREVIEW_CACHE.get(url)
    if not cached:
        raise HTTPException(404, "No preview available")
    return {"url": url, **cached}


def _public_https_url(url: str) -> bool:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "https" or not host or host == "localhost" or host.endswith((".local", ".internal", ".localhost")):
        return False
    try:
        ip = ipaddress.ip_address(host)
        return ip.is_global
    except ValueError:
        return "." in host


@app.post("/v2/webhooks", tags=["webhooks"], status_code=201, response_model=WebhookOut)
def register_webhook(body: WebhookIn, user: dict = Depends(current_user)):
    # FIX unsafe-webhook-registration: authenticated, https + public host only, no synchronous ping
    # (verification is delivered later by an egress proxy).
    if not _public_https_url(body.url):
        raise HTTPException(400, "Webhook URL must be a public https URL")
    wid = "wh_" + secrets.token_hex(6)
    table("webhooks").put_item(Item={"webhook_id": wid, "owner": user["user_id"], "url": body.url, "events": body.events,
                                     "status": "pending_verification"})
    return {"webhook_id": wid, "url": body.url, "events": body.events, "status": "pending_verification"}


@app.get("/v2/webhooks", tags=["webhooks"], response_model=WebhookList)
async def list_webhooks(user: dict = Depends(current_user)):
    res = table("webhooks").scan(FilterExpression="#o = :o", ExpressionAttributeNames={"#o": "owner"},
                                 ExpressionAttributeValues={":o": user["user_id"]})
    return {"items": common.plain(res["Items"])}


PARTNER_FEED = [
    {"partner": "DealsHub", "title": "Spring sale: 30% off headphones", "link": None},
    {"partner": "ShipFast", "title": "Free shipping weekend", "link": None},
]


@app.get("/v2/partners/offers", tags=["partners"], response_model=OfferList)
async def partner_offers():
    # FIX unsafe-partner-relay: plain-text fields only, no third-party HTML, no third-party links.
    return {"offers": PARTNER_FEED}


# ---------------------------------------------------------------------------------------------
# Assistant
# ---------------------------------------------------------------------------------------------
@app.get("/v2/assistant/info", tags=["assistant"], response_model=AssistantInfo)
async def assistant_info(user: dict = Depends(current_user)):
    # FIX llm-system-prompt-in-config: no prompt, no sampling parameters.
    return {"model": "shopbot", "capabilities": ["orders", "shipping", "returns"]}


REFUSAL_TRIGGERS = ("system prompt", "instructions", "ignore", "reveal", "repeat the text", "initial prompt",
                    "configuration", "developer mode")


@app.post("/v2/assistant/chat", tags=["assistant"], response_model=ChatResponse)
async def assistant_chat(body: ChatRequest, user: dict = Depends(current_user)):
    # FIX llm-unauth-chat-endpoint: authenticated (and rate limited).
    # FIX llm-system-prompt-extraction: the configuration is never echoed; extraction attempts are refused.
    last = body.messages[-1].content.lower()
    if any(t in last for t in REFUSAL_TRIGGERS):
        reply = "Sorry, I can't help with that. I can answer questions about your orders, shipping and returns."
    elif "order" in last:
        reply = "I can help with orders. Please tell me your order number."
    else:
        reply = "Hi, I'm ShopBot. I can help with orders, shipping and returns."
    return {"model": "shopbot", "choices": [{"message": {"role": "assistant", "content": reply}}]}
