"""Acme Shop orders API — the VULNERABLE app of the apiward testbed.

Every flaw is deliberate and marked `# PLANT <id>`; the ids match expected.json. The hardened twin
(twin_app.py) serves the same routes and data with each plant fixed (`# FIX <id>`).
Run only on 127.0.0.1 (start.sh does this).
"""

from __future__ import annotations

import json
import os
import time
import urllib.request
from typing import Optional

import jwt
from botocore.exceptions import ClientError
from fastapi import Depends, FastAPI, HTTPException, Path, Query, Request, Response
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.security import APIKeyQuery, HTTPAuthorizationCredentials, HTTPBasic, HTTPBasicCredentials, HTTPBearer
from pydantic import BaseModel

import common
from common import plain

JWT_SECRET = os.environ.get("JWT_SECRET", common.PLANTED_SECRETS["JWT_SECRET"])

# PLANT inv-docs-exposed: FastAPI defaults keep /docs, /redoc and /openapi.json public in production.
# PLANT data-traceback: debug=True renders unhandled exceptions as tracebacks.
# PLANT inv-staging-server: the spec lists a plain-http staging host next to this deployment.
app = FastAPI(
    title="Acme Shop Orders API",
    version="2.3.1",
    debug=True,
    servers=[{"url": "/", "description": "this deployment"},
             {"url": "http://staging-api.acme-shop.test", "description": "staging"}],
)

# PLANT input-cors-reflect: any Origin is reflected, together with Allow-Credentials: true.
app.add_middleware(CORSMiddleware, allow_origin_regex=".*", allow_credentials=True, allow_methods=["*"],
                   allow_headers=["*"])


@app.middleware("http")
async def legacy_options_and_banner(request: Request, call_next):
    # PLANT input-options-dangerous-methods: a hand-rolled OPTIONS handler advertises every method,
    # TRACE included, whatever the route supports.
    if request.method == "OPTIONS" and "access-control-request-method" not in request.headers:
        return Response(status_code=204, headers={"Allow": "GET, HEAD, POST, PUT, PATCH, DELETE, TRACE, OPTIONS"})
    response = await call_next(request)
    # PLANT data-server-banner: framework and version advertised (uvicorn adds `Server: uvicorn` too).
    response.headers["X-Powered-By"] = "FastAPI/0.165.0 (Python 3.11)"
    # PLANT rl-no-rate-limit: no RateLimit-* / Retry-After headers anywhere and no 429, ever.
    # PLANT auth-no-security-headers: no HSTS, X-Content-Type-Options, X-Frame-Options/CSP or Cache-Control.
    return response


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
        # dynalite has no IAM: emulate the production role, which may not Scan the ledger table.
        common.install_simulated_iam(_client, {"Scan": {"ledger"}})
    return _client


bearer = HTTPBearer(auto_error=False, scheme_name="bearerAuth")
basic = HTTPBasic(scheme_name="basicAuth")
partner_key = APIKeyQuery(name="api_key", scheme_name="partnerKey")


def issue_token(user: dict) -> str:
    # PLANT auth-jwt-weak-secret: HS256 signed with "changeme", no exp, PII and role in the claims.
    claims = {"sub": user["user_id"], "username": user["username"], "email": user["email"], "phone": user["phone"],
              "date_of_birth": user["date_of_birth"], "role": user["role"], "is_admin": user["is_admin"],
              "permissions": ["orders:read", "profile:write"] + (["admin:*"] if user["is_admin"] else []),
              "iat": int(time.time())}
    return jwt.encode(claims, JWT_SECRET, algorithm="HS256")


def current_user(creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer)) -> dict:
    if creds is None:
        # PLANT auth-401-no-challenge: 401 without a WWW-Authenticate header.
        raise HTTPException(status_code=401, detail="Not authenticated")
    token = creds.credentials
    try:
        header = jwt.get_unverified_header(token)
        if header.get("alg", "").lower() == "none":
            # PLANT auth-alg-none-accepted: unsigned tokens are "trusted" (meant for local testing only...).
            claims = jwt.decode(token, options={"verify_signature": False})
        else:
            claims = jwt.decode(token, JWT_SECRET, algorithms=["HS256"], options={"require": ["sub"]})
    except jwt.PyJWTError:
        raise HTTPException(status_code=401, detail="Invalid token")
    item = table("users").get_item(Key={"user_id": claims["sub"]}).get("Item")
    if not item:
        raise HTTPException(status_code=401, detail="Unknown user")
    return plain(item)


# ---------------------------------------------------------------------------------------------
# Documented (but not returned) models
# ---------------------------------------------------------------------------------------------
class PublicProfile(BaseModel):
    user_id: str
    display_name: str
    city: str


class Me(BaseModel):
    user_id: str
    username: str
    display_name: str
    email: str


class LoginBody(BaseModel):
    username: str
    password: str


class ProfileUpdate(BaseModel):
    display_name: Optional[str] = None
    # PLANT prop-mass-assignment: privileged properties accepted in the request schema.
    role: Optional[str] = None
    is_admin: Optional[bool] = None


class WebhookIn(BaseModel):
    url: str
    events: list[str] = ["order.created"]


class ChatMessage(BaseModel):
    role: str
    content: str


class ChatRequest(BaseModel):
    messages: list[ChatMessage]


def UID():
    return Path(..., examples=["u1001"], description="User id")


def OID():
    return Path(..., examples=[5001], description="Order id")


# ---------------------------------------------------------------------------------------------
# Health, cart, auth
# ---------------------------------------------------------------------------------------------
@app.get("/v2/health", tags=["ops"])
async def health():
    return {"status": "ok"}


@app.get("/v2/cart", tags=["shop"])
async def cart(response: Response):
    # PLANT enc-cookie-no-flags: session cookie without Secure, HttpOnly or SameSite.
    response.set_cookie("cart_session", "cs_" + os.urandom(12).hex(), httponly=False, secure=False, samesite=None)
    return {"items": [], "currency": "USD"}


@app.post("/v2/auth/login", tags=["auth"])
async def login(body: LoginBody, response: Response):
    # PLANT input-422-echo-secret: default RequestValidationError handler echoes the body (`input`),
    # password included, when a field is missing or mistyped.
    items = table("users").scan(FilterExpression="username = :u",
                                ExpressionAttributeValues={":u": body.username}).get("Items", [])
    if not items or not common.verify_password(body.password, items[0]["password_hash"]):
        raise HTTPException(status_code=401, detail="Bad username or password")
    user = plain(items[0])
    token = issue_token(user)
    # PLANT auth-login-jwt-pii: the JWT handed out in the body carries email, phone, DOB and role.
    response.set_cookie("session", token)  # also PLANT enc-cookie-no-flags
    return {"access_token": token, "token_type": "bearer", "user": {"user_id": user["user_id"], "email": user["email"]}}


# ---------------------------------------------------------------------------------------------
# Users
# ---------------------------------------------------------------------------------------------
@app.get("/v2/users/{user_id}", tags=["users"])
async def get_user(user_id: str = UID()):
    # PLANT data-user-full-item: get_item without ProjectionExpression, no auth: SSN, DOB, hash, MFA secret...
    item = table("users").get_item(Key={"user_id": user_id}).get("Item")
    if not item:
        raise HTTPException(404, "User not found")
    return plain(item)


@app.get("/v2/users/{user_id}/profile", tags=["users"], response_model=None,
         responses={200: {"model": PublicProfile, "description": "Public profile"}})
async def get_profile(user_id: str = UID()):
    # PLANT prop-undocumented-fields: the spec documents PublicProfile, the body carries much more.
    item = table("users").get_item(Key={"user_id": user_id}).get("Item")
    if not item:
        raise HTTPException(404, "User not found")
    u = plain(item)
    return JSONResponse({"user_id": u["user_id"], "display_name": u["display_name"], "city": u["address"]["city"],
                         "email": u["email"], "phone": u["phone"], "password_hash": u["password_hash"],
                         "is_admin": u["is_admin"], "role": u["role"], "internal_notes": u["internal_notes"]})


@app.get("/v2/me", tags=["users"], response_model=None, responses={200: {"model": Me}})
async def me(user: dict = Depends(current_user)):
    # PLANT prop-me-extra-fields: whole item returned, Me documents four fields.
    return JSONResponse(user)


@app.patch("/v2/me", tags=["users"], response_model=None, responses={200: {"model": Me}})
async def update_me(body: ProfileUpdate, user: dict = Depends(current_user)):
    # PLANT prop-mass-assignment: every submitted property is written, role/is_admin included.
    changes = body.model_dump(exclude_none=True)
    if changes:
        expr = "SET " + ", ".join(f"#{k} = :{k}" for k in changes)
        table("users").update_item(Key={"user_id": user["user_id"]}, UpdateExpression=expr,
                                   ExpressionAttributeNames={f"#{k}": k for k in changes},
                                   ExpressionAttributeValues={f":{k}": v for k, v in changes.items()})
    user.update(changes)
    return JSONResponse(user)


@app.get("/v2/me/payment-methods", tags=["payments"])
async def my_payment_methods(user: dict = Depends(current_user)):
    res = table("payment_methods").query(IndexName="by_user", KeyConditionExpression="user_id = :u",
                                         ExpressionAttributeValues={":u": user["user_id"]})
    return {"items": plain(res["Items"])}


@app.get("/v2/payment-methods/{pm_id}", tags=["payments"])
async def get_payment_method(pm_id: str = Path(..., examples=["pm_7daee734fb06"]),
                             user: dict = Depends(current_user)):
    # PLANT bola-l2-payment-method: authenticated, but never checks that the card belongs to the caller;
    # full PAN and CVV returned.
    item = table("payment_methods").get_item(Key={"pm_id": pm_id}).get("Item")
    if not item:
        raise HTTPException(404, "Payment method not found")
    return plain(item)


@app.get("/v2/customers/{customer_id}/statement", tags=["payments"])
async def statement(customer_id: str = Path(..., examples=["u1001"]),
                    creds: Optional[HTTPAuthorizationCredentials] = Depends(bearer)):
    # PLANT auth-scheme-not-enforced: bearerAuth is declared on the operation, the token is never checked.
    user = table("users").get_item(Key={"user_id": customer_id}).get("Item")
    if not user:
        raise HTTPException(404, "Customer not found")
    pms = table("payment_methods").query(IndexName="by_user", KeyConditionExpression="user_id = :u",
                                         ExpressionAttributeValues={":u": customer_id})["Items"]
    orders = table("orders").query(IndexName="by_user", KeyConditionExpression="user_id = :u",
                                   ExpressionAttributeValues={":u": customer_id})["Items"]
    return plain({"customer": {"name": user["full_name"], "email": user["email"], "billing_address": user["address"]},
                  "accounts": [{"iban": p.get("iban"), "bic": p.get("bic"), "card_number": p.get("card_number")}
                               for p in pms],
                  "transactions": [{"order_id": o["order_id"], "total": o["total"], "created_at": o["created_at"]}
                                   for o in orders]})


# ---------------------------------------------------------------------------------------------
# Orders
# ---------------------------------------------------------------------------------------------
@app.get("/v2/orders", tags=["orders"])
async def list_orders(limit: Optional[int] = None, start_after: Optional[int] = None):
    # PLANT rl-unbounded-scan-list: Scan with no enforced page size (no limit = whole table, limit=100000
    # honoured) and the raw LastEvaluatedKey handed back to the client.
    kwargs = {}
    if limit:
        kwargs["Limit"] = limit
    if start_after:
        kwargs["ExclusiveStartKey"] = {"order_id": start_after}
    res = table("orders").scan(**kwargs)
    body = {"items": plain(res["Items"]), "Count": res["Count"], "ScannedCount": res["ScannedCount"]}
    if "LastEvaluatedKey" in res:
        body["LastEvaluatedKey"] = plain(res["LastEvaluatedKey"])
    return body


@app.get("/v2/orders/{order_id}", tags=["orders"])
async def get_order(order_id: int = OID()):
    # PLANT bola-sequential-orders: sequential numeric ids, no auth, shipping address/email/phone returned.
    item = table("orders").get_item(Key={"order_id": order_id}).get("Item")
    if not item:
        raise HTTPException(404, "Order not found")
    return plain(item)


@app.get("/v2/orders/{order_id}/invoice", tags=["orders"])
async def invoice(order_id: int = OID()):
    item = plain(table("orders").get_item(Key={"order_id": order_id}).get("Item") or {})
    if not item:
        raise HTTPException(404, "Order not found")
    # PLANT data-traceback: orders without a coupon raise KeyError, rendered as a traceback (debug=True).
    discount = item["coupon"]["percent"]
    return {"order_id": order_id, "total": item["total"], "discount_percent": discount,
            "due": round(item["total"] * (100 - discount) / 100, 2)}


@app.get("/v2/orders/by-ref/{ref}", tags=["orders"])
async def order_by_ref(ref: str = Path(..., examples=["5001"])):
    # PLANT data-clienterror-validation: the ref is passed as a string to a numeric key; DynamoDB's
    # ValidationException is echoed with str(ClientError) and the table ARN in a 500.
    try:
        item = table("orders").get_item(Key={"order_id": ref}).get("Item")
    except ClientError as e:
        return JSONResponse(status_code=500, content={"error": str(e), "table": common.table_arn("orders"),
                                                      "request_id": e.response["ResponseMetadata"].get("RequestId")})
    if not item:
        raise HTTPException(404, "Order not found")
    return plain(item)


@app.get("/v2/ledger", tags=["finance"])
async def ledger():
    # PLANT data-clienterror-accessdenied: AccessDeniedException text (role ARN, account id, table ARN) echoed.
    try:
        res = ddb().scan(TableName="ledger")
    except ClientError as e:
        return JSONResponse(status_code=500, content={"detail": str(e)})
    return {"entries": [common.deserialize_item(i) for i in res["Items"]]}


# ---------------------------------------------------------------------------------------------
# KYC (low-level client)
# ---------------------------------------------------------------------------------------------
@app.get("/v2/kyc/records/{record_id}", tags=["kyc"])
async def kyc_record(record_id: str = Path(..., examples=["kyc-0001"])):
    # PLANT data-attributevalue-raw: the low-level client's response is returned as is: typed
    # AttributeValues, ConsumedCapacity with the table name, ResponseMetadata with request id and headers.
    return ddb().get_item(TableName="kyc_records", Key={"record_id": {"S": record_id}},
                          ReturnConsumedCapacity="TOTAL")


# ---------------------------------------------------------------------------------------------
# Admin / internal
# ---------------------------------------------------------------------------------------------
@app.get("/v2/admin/users", tags=["admin"])
async def admin_users():
    # PLANT bfla-admin-unauth: admin listing with no authentication at all (every user, SSNs included).
    return {"users": plain(table("users").scan()["Items"])}


@app.get("/v2/internal/users/export", tags=["internal"])
async def export_users(user: dict = Depends(current_user)):
    # PLANT bfla-internal-export-any-user: any logged-in customer may export every user (no role check).
    users = plain(table("users").scan()["Items"])
    return {"exported_by": user["user_id"], "count": len(users),
            "rows": [{k: u[k] for k in ("user_id", "full_name", "email", "phone", "date_of_birth", "role", "is_admin")}
                     for u in users]}


@app.get("/v2/reports/daily", tags=["reports"])
async def daily_report(creds: HTTPBasicCredentials = Depends(basic)):
    # PLANT auth-basic-over-http: HTTP basic auth on an API whose servers are http://.
    if not (creds.username == "reports" and creds.password == common.PLANTED_SECRETS["REPORTS_BASIC_PASSWORD"]):
        raise HTTPException(401, "Bad credentials", headers={"WWW-Authenticate": "Basic"})
    orders = plain(table("orders").scan()["Items"])
    return {"orders": len(orders), "revenue": round(sum(o["total"] for o in orders), 2)}


@app.get("/v2/partners/orders", tags=["partners"])
async def partner_orders(key: str = Depends(partner_key)):
    # PLANT auth-apikey-in-query: partner API key travels in the query string (logs, proxies, Referer).
    if key != common.PLANTED_SECRETS["PARTNER_API_KEY"]:
        raise HTTPException(403, "Bad partner key")
    return {"orders": [{"order_id": o["order_id"], "status": o["status"]}
                       for o in plain(table("orders").scan()["Items"])]}


@app.get("/debug/config", include_in_schema=False)
async def debug_config():
    # PLANT data-debug-config: undocumented debug route dumping configuration and environment secrets.
    env = {k: v for k, v in os.environ.items() if k.startswith(("AWS_", "STRIPE_", "SENDGRID_", "DATABASE_",
                                                               "JWT_", "DYNAMO"))}
    return {"app": "acme-orders-api", "debug": True, "region": common.REGION,
            "tables": {t: common.table_arn(t) for t in common.TABLES}, "env": env}


@app.get("/internal/metrics", include_in_schema=False)
async def internal_metrics():
    # PLANT inv-shadow-metrics: undocumented internal endpoint with private addresses and versions.
    return {"uptime_s": int(time.monotonic()), "workers": 1, "python": "3.11.7", "boto3": "1.44.8",
            "upstreams": {"dynamodb": "http://10.0.3.17:8000", "cache": "redis://10.0.7.42:6379/0",
                          "metadata": "http://169.254.169.254/latest/meta-data/"}}


# ---------------------------------------------------------------------------------------------
# Catalogue (in memory)
# ---------------------------------------------------------------------------------------------
PRODUCTS = common.products()


@app.get("/v2/products", tags=["shop"])
async def list_products(limit: int = Query(20, description="Page size")):
    # PLANT rl-limit-ignored: `limit` is documented and ignored: all 1500 products come back.
    return {"limit": limit, "items": PRODUCTS}


# ---------------------------------------------------------------------------------------------
# Legacy v1
# ---------------------------------------------------------------------------------------------
@app.get("/v1/users/{user_id}", tags=["legacy"], deprecated=True)
async def v1_get_user(user_id: str = UID()):
    # PLANT inv-deprecated-v1: deprecated v1 still served beside v2 (and it returns the full record).
    item = table("users").get_item(Key={"user_id": user_id}).get("Item")
    if not item:
        raise HTTPException(404, "User not found")
    return plain(item)


# ---------------------------------------------------------------------------------------------
# Outbound URLs
# ---------------------------------------------------------------------------------------------
@app.get("/v2/link-preview", tags=["shop"])
def link_preview(url: str = Query(..., description="Page to preview", json_schema_extra={"format": "uri"})):
    # PLANT ssrf-link-preview: the server fetches whatever URL it is given.
    try:
        with urllib.request.urlopen(url, timeout=0.8) as r:
            body = r.read(4096).decode("utf-8", "replace")
            return {"url": url, "status": r.status, "content_type": r.headers.get("Content-Type"), "snippet": body[:500]}
    except Exception as e:  # noqa: BLE001
        return JSONResponse(status_code=502, content={"url": url, "error": repr(e)})


@app.post("/v2/webhooks", tags=["webhooks"], status_code=201)
def register_webhook(body: WebhookIn):
    # PLANT unsafe-webhook-registration: unauthenticated, any URL stored and pinged right away.
    wid = "wh_" + os.urandom(6).hex()
    table("webhooks").put_item(Item={"webhook_id": wid, "url": body.url, "events": body.events})
    delivered = None
    try:
        req = urllib.request.Request(body.url, data=json.dumps({"type": "ping", "webhook_id": wid}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
        with urllib.request.urlopen(req, timeout=0.8) as r:
            delivered = r.status
    except Exception:  # noqa: BLE001
        delivered = "failed"
    return {"webhook_id": wid, "url": body.url, "ping": delivered}


@app.get("/v2/webhooks", tags=["webhooks"])
async def list_webhooks():
    return {"items": plain(table("webhooks").scan()["Items"])}


PARTNER_FEED = [
    {"partner": "DealsHub", "title": "Spring sale: 30% off headphones",
     "html": "<p>Limited offer!</p><script src=\"http://cdn.dealshub-ads.example/track.js\"></script>",
     "link": "http://dealshub-ads.example/r?id=8812&ref=acme"},
    {"partner": "ShipFast", "title": "Free shipping weekend",
     "html": "<img src=\"http://img.shipfast-partner.example/banner.gif\" onerror=\"alert(1)\">",
     "link": "http://shipfast-partner.example/promo"},
]


@app.get("/v2/partners/offers", tags=["partners"])
async def partner_offers():
    # PLANT unsafe-partner-relay: third-party feed relayed verbatim: raw HTML/script, http:// links.
    return {"source": "http://feeds.partner-network.example/v1/offers.json", "offers": PARTNER_FEED}


# ---------------------------------------------------------------------------------------------
# Assistant
# ---------------------------------------------------------------------------------------------
@app.get("/v2/assistant/info", tags=["assistant"])
async def assistant_info():
    # PLANT llm-system-prompt-in-config: the assistant's config, system prompt included, is public.
    return {"model": "shopbot-7b-instruct", "temperature": 0.2, "max_tokens": 512, "system_prompt": common.SYSTEM_PROMPT}


LEAK_TRIGGERS = ("system prompt", "your instructions", "previous instructions", "repeat the text above",
                 "initial prompt", "reveal your", "ignore all")


@app.post("/v2/assistant/chat", tags=["assistant"])
async def assistant_chat(body: ChatRequest):
    # PLANT llm-unauth-chat-endpoint: LLM front end with no authentication.
    last = body.messages[-1].content.lower() if body.messages else ""
    if any(t in last for t in LEAK_TRIGGERS):
        # PLANT llm-system-prompt-extraction: a naive "model" that complies with extraction requests.
        reply = "Sure! Here are my instructions: " + common.SYSTEM_PROMPT
    elif "order" in last:
        reply = "I can help with orders. Please tell me your order number."
    else:
        reply = "Hi, I'm ShopBot. I can help with orders, shipping and returns."
    return {"model": "shopbot-7b-instruct", "choices": [{"message": {"role": "assistant", "content": reply}}]}
