//! Operations from the shared corpus of public specs (GitHub, Stripe, AWS, Adyen, HERE, Vercel and
//! smaller APIs) with their real method, path, operationId, summary and URL-bearing body fields, and
//! whether a reviewer reads them as a registration of a URL the API will call.

use super::*;

/// `(method, path, operationId, summary, body fields, fields typed format: uri)`.
type Op<'a> = (
    &'a str,
    &'a str,
    Option<&'a str>,
    Option<&'a str>,
    &'a [&'a str],
    &'a [&'a str],
);

fn facts<'a>(op: &Op<'a>) -> OperationFacts<'a> {
    let (method, path, operation_id, summary, body, uri) = *op;
    OperationFacts {
        method,
        path,
        operation_id,
        summary,
        body_fields: body.to_vec(),
        url_fields: uri.to_vec(),
        ..Default::default()
    }
}

#[test]
fn registrations_from_real_specs() {
    // (operation, the field that carries the URL)
    let table: &[(Op, &str)] = &[
        // GitHub: `hooks` collections, `config.url` typed uri; the app's `/hook/config`.
        (
            (
                "POST",
                "/repos/{owner}/{repo}/hooks",
                Some("repos/create-webhook"),
                Some("Create a repository webhook"),
                &["name", "config", "url", "content_type", "events"],
                &["url"],
            ),
            "url",
        ),
        (
            (
                "PATCH",
                "/orgs/{org}/hooks/{hook_id}/config",
                Some("orgs/update-webhook-config-for-org"),
                Some("Update a webhook configuration for an organization"),
                &["url", "content_type", "secret"],
                &["url"],
            ),
            "url",
        ),
        (
            (
                "PATCH",
                "/app/hook/config",
                Some("apps/update-webhook-config-for-app"),
                None,
                &["url", "secret"],
                &[],
            ),
            "url",
        ),
        // Stripe: `webhook_endpoints`, an untyped `url`.
        (
            (
                "POST",
                "/v1/webhook_endpoints",
                Some("PostWebhookEndpoints"),
                None,
                &["api_version", "description", "enabled_events", "url"],
                &[],
            ),
            "url",
        ),
        // Vercel, Chaingateway (whose operationId says `subscribeAddress`).
        (
            (
                "POST",
                "/v1/webhooks",
                Some("createWebhook"),
                Some("Creates a webhook"),
                &["url", "events"],
                &["url"],
            ),
            "url",
        ),
        (
            (
                "POST",
                "/v2/bitcoin/webhooks",
                Some("subscribeaddress4"),
                Some("subscribeAddress"),
                &["address", "url"],
                &[],
            ),
            "url",
        ),
        // Alerter System: a compound collection and a camelCase URL.
        (
            (
                "PUT",
                "/api/transport-webhook/{id}",
                Some("api_transport-webhook_id_put"),
                Some("Replaces the TransportWebhook resource."),
                &["webhookUrl", "name"],
                &["webhookUrl"],
            ),
            "webhookUrl",
        ),
        // AWS WorkDocs: a notification subscription to an HTTPS `Endpoint`.
        (
            (
                "POST",
                "/api/v1/organizations/{OrganizationId}/subscriptions",
                Some("CreateNotificationSubscription"),
                None,
                &["Endpoint", "Protocol", "SubscriptionType"],
                &[],
            ),
            "Endpoint",
        ),
        // Adyen: "Subscribe to notifications" on an RPC-style path.
        (
            (
                "POST",
                "/createNotificationConfiguration",
                Some("post-createNotificationConfiguration"),
                Some("Subscribe to notifications"),
                &["configurationDetails", "notifyURL", "active"],
                &[],
            ),
            "notifyURL",
        ),
        // HERE Tracking: "Registers for notifications" (the path's version segment is skipped).
        (
            (
                "POST",
                "/notifications/v3/registrations",
                None,
                Some("Registers for notifications"),
                &["channelName", "url"],
                &[],
            ),
            "url",
        ),
        // Brex: the collection before a trailing `register`.
        (
            (
                "POST",
                "/api/v1/company/notification/register/{id}",
                Some("CompanyNotificationRegister"),
                Some("Creates a new notification"),
                &["callbackUrl"],
                &[],
            ),
            "callbackUrl",
        ),
        // Names the issue reports the live scan missed.
        (
            (
                "POST",
                "/v1/hooks",
                None,
                None,
                &["endpoint", "events"],
                &[],
            ),
            "endpoint",
        ),
        (
            (
                "POST",
                "/notifications/endpoints",
                None,
                None,
                &["address", "secret"],
                &["address"],
            ),
            "address",
        ),
        (
            (
                "POST",
                "/v2/event-destinations",
                None,
                None,
                &["name", "destination_url"],
                &[],
            ),
            "destination_url",
        ),
        (
            (
                "POST",
                "/events/subscribe",
                Some("subscribe"),
                Some("Subscribe to events"),
                &["notifyUrl", "events"],
                &[],
            ),
            "notifyUrl",
        ),
        // A webhook's bare `target`: the thing registered is a URL.
        (
            ("POST", "/webhooks", None, None, &["target", "events"], &[]),
            "target",
        ),
        // A registration collection under an incoming-webhook-looking prefix.
        (
            (
                "POST",
                "/webhooks/subscriptions",
                None,
                None,
                &["callback_url"],
                &[],
            ),
            "callback_url",
        ),
    ];
    for (op, field) in table {
        let got = registers_url(&facts(op));
        assert_eq!(
            got.as_ref().map(|r| r.field.as_str()),
            Some(*field),
            "{} {}: {got:?}",
            op.0,
            op.1
        );
    }
}

#[test]
fn not_registrations_from_real_specs() {
    let table: &[Op] = &[
        // Stripe billing subscriptions: a `destination` account, no URL.
        (
            "POST",
            "/v1/subscriptions",
            Some("PostSubscriptions"),
            None,
            &["customer", "items", "transfer_data", "destination"],
            &[],
        ),
        (
            "POST",
            "/v1/customers/{customer}/subscriptions",
            Some("PostCustomersCustomerSubscriptions"),
            None,
            &["destination", "amount_percent"],
            &[],
        ),
        // AWS SES event destinations are AWS resources (ARNs), not URLs.
        (
            "POST",
            "/v2/email/configuration-sets/{ConfigurationSetName}/event-destinations",
            Some("CreateConfigurationSetEventDestination"),
            None,
            &[
                "EventDestinationName",
                "EventDestination",
                "SnsDestination",
                "TopicArn",
            ],
            &[],
        ),
        // AWS Amplify webhooks are incoming URLs the service makes: the body names a branch.
        (
            "POST",
            "/apps/{appId}/webhooks",
            Some("CreateWebhook"),
            None,
            &["branchName", "description"],
            &[],
        ),
        // Under a webhook, but not a registration: retries, pings, tests, redeliveries.
        (
            "POST",
            "/webhooks/{id}/deliveries/retry",
            Some("retryWebhookDelivery"),
            Some("Retry a webhook delivery"),
            &[],
            &[],
        ),
        (
            "POST",
            "/repos/{owner}/{repo}/hooks/{hook_id}/pings",
            Some("repos/ping-webhook"),
            Some("Ping a repository webhook"),
            &[],
            &[],
        ),
        (
            "POST",
            "/repos/{owner}/{repo}/hooks/{hook_id}/deliveries/{delivery_id}/attempts",
            Some("repos/redeliver-webhook-delivery"),
            Some("Redeliver a delivery for a repository webhook"),
            &[],
            &[],
        ),
        // A log of callbacks is no registration, though it names them and carries a URL.
        (
            "POST",
            "/callbacks-log",
            None,
            None,
            &["url", "status"],
            &[],
        ),
        // GitHub's pre-receive hooks are scripts.
        (
            "POST",
            "/admin/pre-receive-hooks",
            Some("enterprise-admin/create-pre-receive-hook"),
            Some("Create a pre-receive hook"),
            &["name", "script", "script_repository", "environment"],
            &[],
        ),
        // Watching a repository or thread: a subscription with no URL.
        (
            "PUT",
            "/repos/{owner}/{repo}/subscription",
            Some("activity/set-repo-subscription"),
            Some("Set a repository subscription"),
            &["subscribed", "ignored"],
            &[],
        ),
        // Incoming webhooks receive payloads (which may hold URLs of their own).
        (
            "POST",
            "/webhooks/stripe",
            Some("handleStripeWebhook"),
            None,
            &["id", "type", "url"],
            &[],
        ),
        (
            "POST",
            "/c2c/v4/callback",
            None,
            Some("Receives external device update reports"),
            &["id", "data"],
            &[],
        ),
        // An OAuth callback is a login.
        (
            "POST",
            "/oauth/callback",
            None,
            None,
            &["code", "redirect_uri"],
            &[],
        ),
        // A webhook's redirect or display link is not where it delivers.
        (
            "POST",
            "/webhooks",
            None,
            None,
            &["redirect_url", "docs_url"],
            &["redirect_url", "docs_url"],
        ),
        // Weak words need a URL-named or URL-typed field: an event destination's bare `target`.
        (
            "POST",
            "/event-destinations",
            None,
            None,
            &["name", "target"],
            &[],
        ),
        // Unsubscribing is no registration, nor is a notification with a link, nor an event.
        (
            "POST",
            "/events/unsubscribe",
            None,
            Some("Unsubscribe from events"),
            &["callbackUrl"],
            &[],
        ),
        (
            "POST",
            "/notifications",
            None,
            Some("Send a notification"),
            &["message", "url"],
            &[],
        ),
        (
            "POST",
            "/calendar/events",
            None,
            Some("Create an event"),
            &["title", "meeting_url"],
            &[],
        ),
        // A device registration carries no callback.
        (
            "POST",
            "/devices/register",
            None,
            Some("Register a device"),
            &["device_token", "platform"],
            &[],
        ),
        // Reads and deletes register nothing.
        (
            "GET",
            "/repos/{owner}/{repo}/hooks",
            Some("repos/list-webhooks"),
            None,
            &["url"],
            &[],
        ),
        (
            "DELETE",
            "/v1/webhook_endpoints/{webhook_endpoint}",
            None,
            None,
            &["url"],
            &[],
        ),
    ];
    for op in table {
        let got = registers_url(&facts(op));
        assert_eq!(got, None, "{} {}", op.0, op.1);
    }
}

#[test]
fn naming_strength_and_fields() {
    let named = |path, id, summary| {
        names_registration(&OperationFacts {
            method: "POST",
            path,
            operation_id: id,
            summary,
            ..Default::default()
        })
    };
    let n = named("/v1/hooks", None, None).expect("hooks");
    assert_eq!(
        (n.naming, n.from, n.words.as_str()),
        (Naming::Strong, "path", "hooks")
    );
    let n = named("/v2/event-destinations", None, None).expect("event destinations");
    assert_eq!(
        (n.naming, n.words.as_str()),
        (Naming::Weak, "event destinations")
    );
    let n = named("/events/subscribe", None, Some("Subscribe to events")).expect("subscribe");
    assert_eq!((n.naming, n.words.as_str()), (Naming::Weak, "subscribe"));
    let n = named("/x", Some("repos/create-webhook"), None).expect("operationId");
    assert_eq!(n.from, "operationId");
    let n = named("/v1/webhook_endpoints", None, None).expect("webhook endpoints");
    assert_eq!(
        (n.naming, n.words.as_str()),
        (Naming::Strong, "webhook endpoints")
    );
    let n = named("/x", Some("createWebhook2"), None).expect("numbered operationId");
    assert_eq!(n.words, "webhook");
    assert_eq!(named("/webhooks/{id}/deliveries/retry", None, None), None);
    assert_eq!(named("/callbacks-log", None, None), None);
    assert_eq!(
        named(
            "/x",
            None,
            Some("Redeliver a delivery for a repository webhook")
        ),
        None
    );

    use Naming::*;
    use UrlField::*;
    for (name, format, naming, want) in [
        ("url", None, Weak, Some(Named)),
        ("notifyURL", None, Weak, Some(Named)),
        ("callbackUrl", None, Weak, Some(Named)),
        ("Endpoint", None, Weak, Some(Named)),
        ("webhook", None, Weak, Some(Named)),
        ("address", Some("uri"), Weak, Some(Typed)),
        ("address", Some("URI"), Weak, Some(Typed)),
        ("target", None, Strong, Some(Bare)),
        ("destination", None, Strong, Some(Bare)),
        ("callback", None, Strong, Some(Bare)),
        ("target", None, Weak, None),
        ("destination", None, Weak, None),
        // A blockchain or postal address beside the URL.
        ("address", None, Strong, None),
        ("EventDestination", None, Strong, None),
        ("redirect_uri", Some("uri"), Strong, None),
        ("portalUrl", Some("uri"), Strong, None),
        ("name", None, Strong, None),
        ("target_id", None, Strong, None),
    ] {
        assert_eq!(
            callback_field(name, format, naming),
            want,
            "{name} {format:?} {naming:?}"
        );
    }
    // The strongest kind wins over order: Chaingateway's `address` and `url`, a `target` and
    // a typed `hook_location`.
    assert_eq!(
        pick_callback_field([("target", None), ("url", None)], Strong),
        Some("url")
    );
    assert_eq!(
        pick_callback_field([("target", None), ("hook_location", Some("uri"))], Strong),
        Some("hook_location")
    );
    assert_eq!(pick_callback_field([("target", None)], Weak), None);
}
