//! Operations that register a URL the API will call later: webhooks, callbacks, event and
//! notification subscriptions, notification endpoints, event destinations, listeners.
//!
//! One definition, asked by the spec audit and the live scan (APIW-UC-001) and by the risk model
//! (a "Subscribe to events" that stores a URL creates a subscription; it is no action):
//! - a write (POST, PUT, PATCH);
//! - whose words name a registration: the head noun of the collection (the last path segment, or
//!   the one before a trailing `config`, `subscribe`, `endpoints`, …), of the `operationId` or of
//!   the summary title (`/v1/hooks`, `/webhook_endpoints`, `/notifications/endpoints`,
//!   `/event-destinations`, `repos/create-webhook`; not `/callbacks-log` nor "Redeliver a delivery
//!   for a repository webhook"), or a subscribe verb, or a register verb for notifications or
//!   events ("Subscribe to events", "Registers for notifications");
//! - and whose request carries the URL to call ([`callback_field`]): a field named as a
//!   fetched URL (`url`, `endpoint`, `callbackUrl`, `notifyURL`), or typed `format: uri`, or — when
//!   the words say webhook or callback — a bare `target`, `destination` or `callback`.
//!
//! The live scan asks the same question with its own evidence for the last point: the field it put
//! its canary URL in (and the API then called the canary).

use crate::endpoints::{Endpoint, PublicReason, is_login, public_by_design};
use crate::fields::{UrlRole, is_url_format, url_role};
use crate::risk::{OperationFacts, is_preposition, join_pairs, operation_id_words};
use crate::words::words;

/// How sure the words are that the operation registers a URL to call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Naming {
    /// Subscriptions, listeners, notification endpoints, event destinations, `subscribe`,
    /// `register for notifications`: the URL must be named or typed as one.
    Weak,
    /// Webhooks, hooks, callbacks: the thing registered is a URL, so a bare `target`,
    /// `destination` or `address` is that URL.
    Strong,
}

/// What named the operation a registration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Named {
    pub naming: Naming,
    /// `path`, `operationId` or `summary`.
    pub from: &'static str,
    /// The word or words that said so (`hooks`, `event destinations`, `subscribe`).
    pub words: String,
}

/// A write that registers a URL the API will call later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Registration {
    pub named: Named,
    /// The request field that carries the URL.
    pub field: String,
}

impl Registration {
    /// `path "hooks", field "endpoint"`.
    pub fn reason(&self) -> String {
        format!(
            "{} says \"{}\", field `{}`",
            self.named.from, self.named.words, self.field
        )
    }
}

/// Nouns whose registration is a URL by definition.
const HOOK_NOUNS: &[&str] = &[
    "hook",
    "hooks",
    "webhook",
    "webhooks",
    "callback",
    "callbacks",
];

/// Nouns that are registrations when they carry a URL (a billing subscription carries none; an
/// AWS load-balancer listener carries ports).
const SUBSCRIPTION_NOUNS: &[&str] = &["subscription", "subscriptions", "listener", "listeners"];

/// What is delivered: the first word of `notification endpoints`, `event destinations`.
const DELIVERED_NOUNS: &[&str] = &[
    "notification",
    "notifications",
    "event",
    "events",
    "alert",
    "alerts",
];

/// Where it is delivered: the second word of `notification endpoints`, `event destinations`.
const SINK_NOUNS: &[&str] = &[
    "endpoint",
    "endpoints",
    "destination",
    "destinations",
    "channel",
    "channels",
    "target",
    "targets",
    "sink",
    "sinks",
    "receiver",
    "receivers",
    "url",
    "urls",
    "subscription",
    "subscriptions",
    "registration",
    "registrations",
    "configuration",
    "configurations",
    "config",
    "configs",
];

const SUBSCRIBE_VERBS: &[&str] = &["subscribe", "subscribes"];

/// Register verbs: a registration when what is registered for is delivered (`Registers for
/// notifications`, `/notification/register`), not a device or an account.
const REGISTER_WORDS: &[&str] = &["register", "registers", "registration", "registrations"];

/// Last path segments that say what is done to the collection before them
/// (`/hooks/{id}/config`, `/events/subscribe`, `/webhook/endpoints`).
const TAIL_WORDS: &[&str] = &[
    "config",
    "configs",
    "configuration",
    "settings",
    "subscribe",
    "register",
    "registration",
    "registrations",
    "endpoint",
    "endpoints",
    "url",
    "urls",
    "target",
    "targets",
    "destination",
    "destinations",
    "subscription",
    "subscriptions",
    "channel",
    "channels",
];

/// What a phrase (a collection, an operationId, a summary title) says, if it names a registration.
/// Only the object of the phrase counts (the words before its first preposition), and of it the
/// head noun, its last word: "Redeliver a delivery for a repository webhook" names a delivery,
/// `/callbacks-log` a log, `webhook_endpoints` and "webhook configuration" a registration.
fn phrase_naming(ws: &[String]) -> Option<(Naming, String)> {
    let end = ws
        .iter()
        .skip(1)
        .position(|w| is_preposition(w))
        .map_or(ws.len(), |i| i + 1);
    let mut object = &ws[..end];
    while let Some((last, rest)) = object.split_last()
        && last.bytes().all(|b| b.is_ascii_digit())
    {
        object = rest;
    }
    let (head, modifiers) = object.split_last()?;
    let is = |list: &[&str], w: &String| list.contains(&w.as_str());
    if is(HOOK_NOUNS, head) {
        return Some((Naming::Strong, head.clone()));
    }
    if is(SINK_NOUNS, head) {
        // `webhook endpoints`, `hook config`; `notification endpoints`, `event destinations`.
        if let Some(m) = modifiers.iter().rfind(|w| is(HOOK_NOUNS, w)) {
            return Some((Naming::Strong, format!("{m} {head}")));
        }
        if let Some(m) = modifiers.last().filter(|w| is(DELIVERED_NOUNS, w)) {
            return Some((Naming::Weak, format!("{m} {head}")));
        }
    }
    if is(SUBSCRIPTION_NOUNS, head) {
        return Some((Naming::Weak, head.clone()));
    }
    if let Some(v) = object.iter().find(|w| is(SUBSCRIBE_VERBS, w)) {
        return Some((Naming::Weak, v.clone()));
    }
    let register = object.iter().find(|w| is(REGISTER_WORDS, w))?;
    let delivered = ws.iter().find(|w| is(DELIVERED_NOUNS, w))?;
    Some((Naming::Weak, format!("{register} {delivered}")))
}

fn is_version(seg: &str) -> bool {
    let s = seg.strip_prefix(['v', 'V']).unwrap_or(seg);
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// Words of the collection a path writes to: its last static segment, with the one before it
/// when the last only says what is done to it (`/hooks/{id}/config` → `hooks config`).
fn collection_words(path: &str) -> Vec<String> {
    let segs: Vec<&str> = path
        .split(['?', '#'])
        .next()
        .unwrap_or("")
        .split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{') && !is_version(s))
        .collect();
    let Some((last, before)) = segs.split_last() else {
        return Vec::new();
    };
    let last_words = words(last);
    let tail =
        !last_words.is_empty() && last_words.iter().all(|w| TAIL_WORDS.contains(&w.as_str()));
    match before.last() {
        Some(prev) if tail => {
            let mut ws = words(prev);
            ws.extend(last_words);
            ws
        }
        _ => last_words,
    }
}

/// Whether the words of `f` name a registration of a URL to call (the method is a write; a login
/// callback and an incoming webhook `POST /webhooks/stripe` are not registrations).
pub fn names_registration(f: &OperationFacts<'_>) -> Option<Named> {
    let method = f.method.to_ascii_uppercase();
    if !matches!(method.as_str(), "POST" | "PUT" | "PATCH") {
        return None;
    }
    let e = Endpoint {
        method: &method,
        path: f.path,
        operation_id: f.operation_id,
    };
    if is_login(&e) {
        return None;
    }
    let named = |(naming, words): (Naming, String), from: &'static str| Named {
        naming,
        from,
        words,
    };
    if let Some(n) = phrase_naming(&collection_words(f.path)) {
        return Some(named(n, "path"));
    }
    // An incoming webhook is named after its sender (`/webhooks/stripe`): only a registration
    // collection under it (`/webhooks/subscriptions`) would be one.
    if public_by_design(&e) == Some(PublicReason::IncomingWebhook) {
        return None;
    }
    let by_id = f
        .operation_id
        .map(operation_id_words)
        .and_then(|ws| phrase_naming(&ws));
    if let Some(n) = by_id {
        return Some(named(n, "operationId"));
    }
    // A summary is a title: its first words.
    let summary: Vec<String> = f
        .summary
        .map(|s| join_pairs(&words(s)).into_iter().take(8).collect())
        .unwrap_or_default();
    phrase_naming(&summary).map(|n| named(n, "summary"))
}

/// Bare names that hold the URL of a webhook or callback registration, and nothing else there
/// (not `address`: a blockchain or postal address beside the `url` is common).
const BARE_CALLBACK_NAMES: &[&str] = &["target", "destination", "callback"];

/// Why a request field carries the URL a registration will call, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UrlField {
    /// Named as a fetched URL: `url`, `endpoint`, `callbackUrl`, `notifyURL`, `webhookUrl`.
    Named,
    /// Typed as one: `format: uri`, `url` or `iri`.
    Typed,
    /// A bare `target`, `destination` or `callback` of a webhook or callback registration.
    Bare,
}

/// Whether (and why) a request field of a registration named with `naming` carries the URL to
/// call. A redirect or display URL (`redirect_uri`, `portalUrl`) is none, whatever its format.
pub fn callback_field(name: &str, format: Option<&str>, naming: Naming) -> Option<UrlField> {
    match url_role(name) {
        Some(UrlRole::Fetch) => Some(UrlField::Named),
        Some(UrlRole::Redirect | UrlRole::Display) => None,
        None if is_url_format(format) => Some(UrlField::Typed),
        None if naming == Naming::Strong
            && matches!(words(name).as_slice(), [w] if BARE_CALLBACK_NAMES.contains(&w.as_str())) =>
        {
            Some(UrlField::Bare)
        }
        None => None,
    }
}

/// The field of `fields` (`(name, format)`, in order) that carries the URL to call: the first of
/// the strongest kind (`url` before a bare `target`).
pub fn pick_callback_field<'a>(
    fields: impl IntoIterator<Item = (&'a str, Option<&'a str>)>,
    naming: Naming,
) -> Option<&'a str> {
    fields
        .into_iter()
        .enumerate()
        .filter_map(|(i, (name, format))| {
            callback_field(name, format, naming).map(|kind| (kind, i, name))
        })
        .min()
        .map(|(_, _, name)| name)
}

/// Whether `f` registers a URL the API will call later: a write whose words name a registration
/// and whose request carries the URL (`f.body_fields`, typed by `f.url_fields`).
pub fn registers_url(f: &OperationFacts<'_>) -> Option<Registration> {
    let named = names_registration(f)?;
    let fields = f
        .body_fields
        .iter()
        .map(|name| (*name, f.url_fields.contains(name).then_some("uri")));
    let field = pick_callback_field(fields, named.naming)?.to_string();
    Some(Registration { named, field })
}

#[cfg(test)]
mod tests;
