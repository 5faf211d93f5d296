//! Safety tripwires (issue 11): a loopback API written unlike the testbed (camelCase keys, ids
//! under `noteId`/`userId`, a GET that wipes the database, a GET that logs out, a GET that sends
//! e-mail, a password endpoint, a user who is not a scanner identity) records every request it
//! receives and its whole state. The assertions are on those recordings, never on apiward's own
//! report alone: a default scan changes nothing; an active scan touches only its own objects and
//! leaves everything as it was (or deleted, when it created it).

#[path = "../../apiward-http/tests/common/mod.rs"]
mod common;
mod scan_common;

use apiward_core::{Finding, FindingSource, ScanSafety};
use apiward_scan::{Auth, Identity};
use common::{Head, Reply, response, serve};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

const SPEC: &str = r##"
openapi: 3.0.3
info: {title: Notes, version: "3.2"}
components:
  securitySchemes:
    token: {type: http, scheme: bearer}
  schemas:
    User:
      type: object
      properties:
        userId: {type: integer}
        displayName: {type: string}
        email: {type: string, format: email}
        role: {type: string}
        isAdmin: {type: boolean}
    UserPatch:
      type: object
      properties:
        displayName: {type: string}
        email: {type: string}
        role: {type: string}
        isAdmin: {type: boolean}
    Note:
      type: object
      properties:
        noteId: {type: integer}
        ownerId: {type: integer}
        title: {type: string}
        text: {type: string}
    NoteInput:
      type: object
      properties:
        title: {type: string}
        text: {type: string}
security: [{token: []}]
paths:
  /me:
    get:
      operationId: whoAmI
      responses: {"200": {description: me, content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}}}
    patch:
      operationId: updateMe
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/UserPatch"}}}}
      responses: {"200": {description: me}}
  /users/{userId}:
    get:
      operationId: fetchUser
      parameters: [{name: userId, in: path, required: true, schema: {type: integer}, example: 1}]
      responses: {"200": {description: user, content: {application/json: {schema: {$ref: "#/components/schemas/User"}}}}}
    patch:
      operationId: editUser
      parameters: [{name: userId, in: path, required: true, schema: {type: integer}, example: 1}]
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/UserPatch"}}}}
      responses: {"200": {description: user}}
  /users/{userId}/password:
    put:
      operationId: setPassword
      parameters: [{name: userId, in: path, required: true, schema: {type: integer}, example: 1}]
      requestBody: {content: {application/json: {schema: {type: object, properties: {newPassword: {type: string}}}}}}
      responses: {"204": {description: changed}}
  /notes:
    get:
      operationId: listNotes
      responses: {"200": {description: notes, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Note"}}}}}}
    post:
      operationId: addNote
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/NoteInput"}}}}
      responses: {"201": {description: created}}
  /notes/{noteId}:
    get:
      operationId: readNote
      parameters: [{name: noteId, in: path, required: true, schema: {type: integer}, example: 1}]
      responses: {"200": {description: note, content: {application/json: {schema: {$ref: "#/components/schemas/Note"}}}}}
    patch:
      operationId: editNote
      parameters: [{name: noteId, in: path, required: true, schema: {type: integer}, example: 1}]
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/NoteInput"}}}}
      responses: {"200": {description: note}}
    delete:
      operationId: removeNote
      parameters: [{name: noteId, in: path, required: true, schema: {type: integer}, example: 1}]
      responses: {"204": {description: gone}}
  /notes/{noteId}/sendReminder:
    get:
      parameters: [{name: noteId, in: path, required: true, schema: {type: integer}, example: 1}]
      responses: {"200": {description: sent}}
  /admin/reset-db:
    get:
      summary: Maintenance
      responses: {"200": {description: done}}
  /setup/seed:
    get:
      operationId: seedDatabase
      responses: {"200": {description: seeded}}
  /auth/logout:
    get:
      responses: {"200": {description: bye}}
"##;

/// The API's whole state.
#[derive(Debug, Clone, PartialEq)]
struct State {
    users: BTreeMap<u64, Value>,
    notes: BTreeMap<u64, Value>,
    next_note: u64,
    /// Calls to the operations that must never be called by a scan.
    tripped: Vec<String>,
}

fn initial() -> State {
    let user = |id: u64, name: &str| json!({"userId": id, "displayName": name, "email": format!("{}@notes.test", name.to_lowercase()), "role": "member", "isAdmin": false});
    State {
        // Carol (1) is a real user, not a scanner identity.
        users: BTreeMap::from([
            (1, user(1, "Carol")),
            (2, user(2, "Alice")),
            (3, user(3, "Bob")),
        ]),
        notes: BTreeMap::from([(
            1,
            json!({"noteId": 1, "ownerId": 1, "title": "carol's", "text": "private"}),
        )]),
        next_note: 100,
        tripped: Vec::new(),
    }
}

fn caller(h: &Head) -> Option<u64> {
    match h.header("authorization") {
        Some("Bearer alice-token") => Some(2),
        Some("Bearer bob-token") => Some(3),
        _ => None,
    }
}

fn reply(status: u16, v: &Value) -> Reply {
    Reply::Raw(response(
        status,
        "content-type: application/json\r\n",
        v.to_string().as_bytes(),
    ))
}

fn merge(target: &mut Value, patch: &Value) {
    if let (Some(t), Some(p)) = (target.as_object_mut(), patch.as_object()) {
        for (k, v) in p {
            t.insert(k.clone(), v.clone());
        }
    }
}

/// The tripwire app. `owner_checks`: PATCH /notes/{id} and PATCH /users/{id} refuse anyone but
/// the owner (the near miss).
fn app(state: Arc<Mutex<State>>, owner_checks: bool) -> impl Fn(Head) -> Reply + Send + Sync {
    move |h: Head| {
        let Ok(mut st) = state.lock() else {
            return reply(500, &json!({}));
        };
        let path = h.path.split('?').next().unwrap_or("").to_string();
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let body: Value = serde_json::from_slice(&h.body).unwrap_or(Value::Null);
        if h.method == "OPTIONS" {
            return Reply::Raw(response(
                204,
                "allow: GET, PATCH, POST, PUT, DELETE\r\n",
                b"",
            ));
        }
        // Operations that must never be called by a scan, whatever the method.
        let trip = match segs.as_slice() {
            ["admin", "reset-db"] => {
                st.notes.clear();
                st.users.clear();
                true
            }
            ["setup", "seed"] | ["auth", "logout"] | ["notes", _, "sendReminder"] => true,
            ["users", _, "password"] => true,
            _ => false,
        };
        if trip {
            st.tripped.push(format!("{} {path}", h.method));
            return reply(200, &json!({"ok": true}));
        }
        let Some(me) = caller(&h) else {
            return reply(401, &json!({"error": "unauthorized"}));
        };
        let id = |i: usize| segs.get(i).and_then(|s| s.parse::<u64>().ok());
        match (h.method.as_str(), segs.as_slice()) {
            ("GET" | "HEAD", ["me"]) => reply(200, &st.users[&me]),
            ("PATCH", ["me"]) => {
                // Mass assignment: every field is bound, role and isAdmin included.
                if let Some(u) = st.users.get_mut(&me) {
                    merge(u, &body);
                }
                reply(200, &st.users[&me])
            }
            ("GET" | "HEAD", ["users", _]) => match id(1).and_then(|i| st.users.get(&i)) {
                Some(u) => reply(200, u),
                None => reply(404, &json!({"error": "no such user"})),
            },
            ("PATCH", ["users", _]) if owner_checks && id(1) != Some(me) => {
                reply(403, &json!({"error": "not your account"}))
            }
            ("PATCH", ["users", _]) => match id(1).and_then(|i| st.users.get_mut(&i)) {
                Some(u) => {
                    merge(u, &body);
                    reply(200, u)
                }
                None => reply(404, &json!({"error": "no such user"})),
            },
            ("GET" | "HEAD", ["notes"]) => {
                let mine: Vec<&Value> = st
                    .notes
                    .values()
                    .filter(|n| n["ownerId"] == json!(me))
                    .collect();
                reply(200, &json!(mine))
            }
            ("POST", ["notes"]) => {
                let n = st.next_note;
                st.next_note += 1;
                let note = json!({"noteId": n, "ownerId": me, "title": body["title"], "text": body["text"]});
                st.notes.insert(n, note.clone());
                reply(201, &note)
            }
            ("GET" | "HEAD", ["notes", _]) => match id(1).and_then(|i| st.notes.get(&i)) {
                Some(n) if n["ownerId"] == json!(me) => reply(200, n),
                Some(_) => reply(403, &json!({"error": "not yours"})),
                None => reply(404, &json!({"error": "no such note"})),
            },
            ("PATCH", ["notes", _]) => {
                let Some(n) = id(1).and_then(|i| st.notes.get_mut(&i)) else {
                    return reply(404, &json!({"error": "no such note"}));
                };
                if owner_checks && n["ownerId"] != json!(me) {
                    return reply(403, &json!({"error": "not yours"}));
                }
                merge(n, &body);
                reply(200, n)
            }
            ("DELETE", ["notes", _]) => {
                let Some(i) = id(1) else {
                    return reply(404, &json!({}));
                };
                match st.notes.get(&i) {
                    Some(n) if n["ownerId"] == json!(me) => {
                        st.notes.remove(&i);
                        Reply::Raw(response(204, "", b""))
                    }
                    Some(_) => reply(403, &json!({"error": "not yours"})),
                    None => reply(404, &json!({})),
                }
            }
            _ => reply(404, &json!({"error": "not found"})),
        }
    }
}

fn identities() -> Vec<Identity> {
    vec![
        Identity {
            name: "alice".into(),
            auth: vec![Auth::Bearer("alice-token".into())],
        },
        Identity {
            name: "bob".into(),
            auth: vec![Auth::Bearer("bob-token".into())],
        },
    ]
}

struct Run {
    seen: Vec<Head>,
    before: State,
    after: State,
    findings: Vec<Finding>,
    safety: ScanSafety,
}

async fn run(active: bool, owner_checks: bool) -> Run {
    let state = Arc::new(Mutex::new(initial()));
    let server = serve(app(state.clone(), owner_checks)).await;
    let mut cfg = scan_common::config(&server.base(), "notes.yaml", SPEC);
    cfg.engine.active = active;
    cfg.burst = 20;
    cfg.shadow_probe = true;
    cfg.identities = identities();
    let before = initial();
    let out = apiward_scan::scan(cfg).await.expect("scan");
    let after = state.lock().map(|s| s.clone()).expect("state");
    Run {
        seen: server.seen(),
        before,
        after,
        findings: out.findings,
        safety: out.safety,
    }
}

fn touched(r: &Run, pred: impl Fn(&Head) -> bool) -> Vec<String> {
    r.seen
        .iter()
        .filter(|h| pred(h))
        .map(|h| format!("{} {}", h.method, h.path))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn default_scan_changes_nothing() {
    let r = run(false, false).await;
    let writes = touched(&r, |h| {
        !matches!(h.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    });
    assert!(
        writes.is_empty(),
        "a read-only scan sent writes: {writes:?}"
    );
    assert!(
        r.after.tripped.is_empty(),
        "state-changing operations were called: {:?}",
        r.after.tripped
    );
    assert_eq!(
        r.after, r.before,
        "the read-only scan changed the API's state"
    );
    // Every skipped operation is listed with why; the state-changing GETs among them.
    let skipped: Vec<String> = r
        .safety
        .skipped_operations
        .iter()
        .map(|k| format!("{} {} [{}]", k.method, k.path, k.risk))
        .collect();
    for want in [
        "GET /admin/reset-db [destructive]",
        "GET /setup/seed [destructive]",
        "GET /auth/logout [credential-changing]",
        "GET /notes/{noteId}/sendReminder [state-changing]",
    ] {
        assert!(
            skipped.iter().any(|s| s == want),
            "{want} not listed in {skipped:#?}"
        );
    }
    assert_eq!(r.safety.mode, "read-only");
    assert!(r.safety.writes.is_empty());
    // Nothing is sent more than the documented cap.
    let mut per_path: BTreeMap<&str, usize> = BTreeMap::new();
    for h in &r.seen {
        *per_path
            .entry(h.path.split('?').next().unwrap_or(""))
            .or_default() += 1;
    }
    let most = per_path.values().max().copied().unwrap_or(0);
    assert!(
        most <= apiward_scan::guard::READ_ONLY_CAP,
        "a path got {most} requests: {per_path:?}"
    );
}

/// What an active scan may leave behind: nothing but what it was entitled to change and put back.
fn assert_untouched(r: &Run) {
    assert!(
        r.after.tripped.is_empty(),
        "operations that must never be called were: {:?}",
        r.after.tripped
    );
    // Carol (not a scanner identity) and her note are exactly as before.
    assert_eq!(
        r.after.users.get(&1),
        r.before.users.get(&1),
        "carol's account changed"
    );
    assert_eq!(
        r.after.notes.get(&1),
        r.before.notes.get(&1),
        "carol's note changed"
    );
    // The scanner's own accounts were probed and reverted.
    assert_eq!(r.after.users, r.before.users, "an account was left changed");
    // Every note the scan created was deleted again.
    assert_eq!(
        r.after.notes, r.before.notes,
        "created notes were left behind"
    );
    // DELETE only ever went to notes the scan created (ids from 100 on).
    let deletes = touched(r, |h| h.method == "DELETE");
    assert!(!deletes.is_empty(), "created notes were not cleaned up");
    for d in &deletes {
        let id: u64 = d
            .rsplit('/')
            .next()
            .and_then(|s| s.parse().ok())
            .expect("delete of a note id");
        assert!(
            id >= 100,
            "DELETE of an object the scan did not create: {d}"
        );
    }
    // Writes to carol's objects carried exactly her current values.
    for h in r.seen.iter().filter(|h| h.method == "PATCH") {
        let Ok(body) = serde_json::from_slice::<Value>(&h.body) else {
            continue;
        };
        let current = match h.path.as_str() {
            "/users/1" => r.before.users.get(&1),
            "/notes/1" => r.before.notes.get(&1),
            _ => continue,
        };
        if let (Some(obj), Some(cur)) = (body.as_object(), current) {
            for (k, v) in obj {
                assert_eq!(cur.get(k), Some(v), "{} {} wrote {k}={v}", h.method, h.path);
            }
        }
    }
    // The journal has every write and says what was undone.
    let journal_writes = r.safety.writes.len();
    let wire_writes = touched(r, |h| {
        !matches!(h.method.as_str(), "GET" | "HEAD" | "OPTIONS")
    })
    .len();
    assert_eq!(
        journal_writes, wire_writes,
        "journal {:#?}",
        r.safety.writes
    );
    assert_eq!(
        r.safety.not_reverted(),
        0,
        "journal: {:#?}",
        r.safety.writes
    );
    assert_eq!(r.safety.mode, "active");
}

fn runtime(fs: &[Finding], rule: &str) -> Vec<Finding> {
    assert!(apiward_rules::get(rule).is_some(), "unknown rule {rule}");
    fs.iter()
        .filter(|f| f.rule_name == rule && f.source != FindingSource::Spec)
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fires_cross_identity_write() {
    let r = run(true, false).await;
    assert_untouched(&r);
    let got = runtime(&r.findings, "cross-identity-write");
    assert!(
        got.iter()
            .any(|f| f.location.path.as_deref() == Some("/notes/{noteId}")),
        "no cross-identity write on /notes/{{noteId}}: {got:#?}"
    );
    // An existing account (not created by the scan) that is alice's as a fact: bob's no-op
    // write-back of alice's own values was accepted.
    assert!(
        got.iter()
            .any(|f| f.location.path.as_deref() == Some("/users/{userId}")),
        "no cross-identity write on /users/{{userId}}: {got:#?}"
    );
    let to_alice: Vec<&Head> = r
        .seen
        .iter()
        .filter(|h| h.method == "PATCH" && h.path == "/users/2" && caller(h) == Some(3))
        .collect();
    assert!(
        !to_alice.is_empty(),
        "bob never wrote back to alice's account"
    );
    // Mass assignment on the identity's own account, confirmed by reading it back, then reverted.
    let mass = runtime(&r.findings, "mass-assignment-confirmed");
    assert!(
        mass.iter()
            .any(|f| f.location.path.as_deref() == Some("/me")),
        "{:#?}",
        r.findings.iter().map(|f| &f.rule_name).collect::<Vec<_>>()
    );
    // The credential and action operations were refused, and listed.
    let skipped: Vec<String> = r
        .safety
        .skipped_operations
        .iter()
        .map(|k| format!("{} {}", k.method, k.path))
        .collect();
    assert!(
        skipped.contains(&"PUT /users/{userId}/password".to_string()),
        "{skipped:?}"
    );
    assert!(
        skipped.contains(&"GET /admin/reset-db".to_string()),
        "{skipped:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn near_miss_cross_identity_write() {
    // The same API with an owner check on note writes: still no harm, and no finding.
    let r = run(true, true).await;
    assert_untouched(&r);
    let got = runtime(&r.findings, "cross-identity-write");
    assert!(got.is_empty(), "{got:#?}");
}

// ---- Sign-ups: credential-issuing, never sent by an active scan unless included ----

/// A music API unlike the testbed: an API key header, camelCase bodies, `/v2` prefix. Two ways to
/// open an account — `POST /v2/signup` (its words say so) and `POST /v2/listeners` (no sign-up
/// word: an unauthenticated create whose body names an account and sets its passphrase) — beside
/// ordinary creates: playlists, a device registration (`register`, but of a device) and members
/// an authenticated curator adds with a password (an owner creates them, and can delete them).
const TUNES: &str = r##"
openapi: 3.0.3
info: {title: Tunes, version: "2.4"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: X-Tunes-Key}
  schemas:
    SignUp:
      type: object
      required: [emailAddress, password]
      properties:
        emailAddress: {type: string, format: email}
        password: {type: string, format: password}
        displayName: {type: string}
    Listener:
      type: object
      properties:
        handle: {type: string}
        passphrase: {type: string}
    Playlist:
      type: object
      properties:
        playlistId: {type: integer}
        title: {type: string}
        isPublic: {type: boolean}
    Device:
      type: object
      properties:
        deviceName: {type: string}
        platform: {type: string}
    Member:
      type: object
      properties:
        emailAddress: {type: string, format: email}
        password: {type: string, format: password}
security: [{key: []}]
paths:
  /v2/signup:
    post:
      security: []
      operationId: startMembership
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/SignUp"}}}}
      responses: {"201": {description: welcome}}
  /v2/listeners:
    post:
      security: []
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Listener"}}}}
      responses: {"201": {description: listening}}
  /v2/playlists:
    get:
      responses: {"200": {description: mine, content: {application/json: {schema: {type: array, items: {$ref: "#/components/schemas/Playlist"}}}}}}
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Playlist"}}}}
      responses: {"201": {description: created}}
  /v2/playlists/{playlistId}:
    get:
      parameters: [{name: playlistId, in: path, required: true, schema: {type: integer}, example: 1}]
      responses: {"200": {description: one, content: {application/json: {schema: {$ref: "#/components/schemas/Playlist"}}}}}
    delete:
      parameters: [{name: playlistId, in: path, required: true, schema: {type: integer}, example: 1}]
      responses: {"204": {description: gone}}
  /v2/devices/register:
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Device"}}}}
      responses: {"201": {description: registered}}
  /v2/devices/{deviceId}:
    delete:
      parameters: [{name: deviceId, in: path, required: true, schema: {type: integer}, example: 1}]
      responses: {"204": {description: gone}}
  /v2/members:
    post:
      requestBody: {content: {application/json: {schema: {$ref: "#/components/schemas/Member"}}}}
      responses: {"201": {description: added}}
  /v2/members/{memberId}:
    delete:
      parameters: [{name: memberId, in: path, required: true, schema: {type: integer}, example: 1}]
      responses: {"204": {description: gone}}
"##;

#[derive(Debug, Default)]
struct Tunes {
    /// Requests per route (`METHOD /template`).
    per_route: BTreeMap<String, usize>,
    /// Accounts opened (by either sign-up route); nothing can delete them.
    accounts: Vec<Value>,
    playlists: BTreeMap<u64, Value>,
    devices: BTreeMap<u64, Value>,
    members: BTreeMap<u64, Value>,
    next_id: u64,
}

fn tunes_app(state: Arc<Mutex<Tunes>>) -> impl Fn(Head) -> Reply + Send + Sync {
    move |h: Head| {
        let Ok(mut st) = state.lock() else {
            return reply(500, &json!({}));
        };
        let path = h.path.split('?').next().unwrap_or("").to_string();
        let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        let route = match segs.as_slice() {
            ["v2", "playlists", _] => "/v2/playlists/{playlistId}".to_string(),
            ["v2", "devices", id] if *id != "register" => "/v2/devices/{deviceId}".to_string(),
            ["v2", "members", _] => "/v2/members/{memberId}".to_string(),
            _ => path.clone(),
        };
        *st.per_route
            .entry(format!("{} {route}", h.method))
            .or_default() += 1;
        if h.method == "OPTIONS" {
            return Reply::Raw(response(204, "allow: GET, POST, DELETE\r\n", b""));
        }
        let body: Value = serde_json::from_slice(&h.body).unwrap_or(Value::Null);
        let id = segs.get(2).and_then(|s| s.parse::<u64>().ok());
        // The two ways to open an account need no key.
        match (h.method.as_str(), route.as_str()) {
            ("POST", "/v2/signup") | ("POST", "/v2/listeners") => {
                st.accounts.push(body.clone());
                return reply(
                    201,
                    &json!({"accountId": st.accounts.len(), "welcome": true}),
                );
            }
            _ => {}
        }
        if h.header("x-tunes-key") != Some("tk-live-42") {
            return reply(401, &json!({"message": "missing key"}));
        }
        let created = |st: &mut Tunes, kind: &str, body: &Value| {
            st.next_id += 1;
            let n = st.next_id;
            let mut obj = body.as_object().cloned().unwrap_or_default();
            obj.remove("password");
            obj.insert(format!("{kind}Id"), json!(n));
            (n, Value::Object(obj))
        };
        match (h.method.as_str(), route.as_str()) {
            ("GET" | "HEAD", "/v2/playlists") => {
                reply(200, &json!(st.playlists.values().collect::<Vec<_>>()))
            }
            ("POST", "/v2/playlists") => {
                let (n, p) = created(&mut st, "playlist", &body);
                st.playlists.insert(n, p.clone());
                reply(201, &p)
            }
            ("GET" | "HEAD", "/v2/playlists/{playlistId}") => {
                match id.and_then(|i| st.playlists.get(&i)) {
                    Some(p) => reply(200, p),
                    None => reply(404, &json!({"message": "no such playlist"})),
                }
            }
            ("DELETE", "/v2/playlists/{playlistId}") => {
                match id.and_then(|i| st.playlists.remove(&i)) {
                    Some(_) => Reply::Raw(response(204, "", b"")),
                    None => reply(404, &json!({})),
                }
            }
            ("POST", "/v2/devices/register") => {
                let (n, d) = created(&mut st, "device", &body);
                st.devices.insert(n, d.clone());
                Reply::Raw(response(
                    201,
                    &format!("content-type: application/json\r\nlocation: /v2/devices/{n}\r\n"),
                    d.to_string().as_bytes(),
                ))
            }
            ("DELETE", "/v2/devices/{deviceId}") => match id.and_then(|i| st.devices.remove(&i)) {
                Some(_) => Reply::Raw(response(204, "", b"")),
                None => reply(404, &json!({})),
            },
            ("POST", "/v2/members") => {
                let (n, m) = created(&mut st, "member", &body);
                st.members.insert(n, m.clone());
                reply(201, &m)
            }
            ("DELETE", "/v2/members/{memberId}") => match id.and_then(|i| st.members.remove(&i)) {
                Some(_) => Reply::Raw(response(204, "", b"")),
                None => reply(404, &json!({})),
            },
            _ => reply(404, &json!({"message": "not found"})),
        }
    }
}

struct TunesRun {
    state: Arc<Mutex<Tunes>>,
    safety: ScanSafety,
}

impl TunesRun {
    fn count(&self, route: &str) -> usize {
        self.state
            .lock()
            .map(|s| s.per_route.get(route).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    /// Every request to `path`, whatever the method.
    fn any_to(&self, path: &str) -> usize {
        self.state
            .lock()
            .map(|s| {
                s.per_route
                    .iter()
                    .filter(|(k, _)| k.split_once(' ').is_some_and(|(_, p)| p == path))
                    .map(|(_, n)| n)
                    .sum()
            })
            .unwrap_or(0)
    }

    fn skipped(&self, method: &str, path: &str) -> Option<&apiward_core::SkippedOperation> {
        self.safety
            .skipped_operations
            .iter()
            .find(|k| k.method == method && k.path == path)
    }
}

async fn tunes_scan(include: &[&str]) -> TunesRun {
    let state = Arc::new(Mutex::new(Tunes::default()));
    let server = serve(tunes_app(state.clone())).await;
    let mut cfg = scan_common::config(&server.base(), "tunes.yaml", TUNES);
    cfg.engine.active = true;
    cfg.burst = 0;
    cfg.shadow_probe = false;
    cfg.identities = vec![Identity {
        name: "curator".into(),
        auth: vec![Auth::ApiKey {
            name: "X-Tunes-Key".into(),
            value: "tk-live-42".into(),
        }],
    }];
    cfg.include = include
        .iter()
        .map(|p| apiward_scan::guard::OpPattern::parse(p).expect("pattern"))
        .collect();
    let out = apiward_scan::scan(cfg).await.expect("scan");
    TunesRun {
        state,
        safety: out.safety,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn active_scan_never_signs_up() {
    let r = tunes_scan(&[]).await;
    // Neither way to open an account received anything, and no account exists.
    assert_eq!(
        r.any_to("/v2/signup"),
        0,
        "{:?}",
        r.state.lock().map(|s| s.per_route.clone())
    );
    assert_eq!(r.any_to("/v2/listeners"), 0);
    assert!(r.state.lock().expect("state").accounts.is_empty());
    // Both are listed as skipped, with why and how to send them.
    for path in ["/v2/signup", "/v2/listeners"] {
        let k = r.skipped("POST", path).unwrap_or_else(|| {
            panic!("POST {path} not listed: {:#?}", r.safety.skipped_operations)
        });
        assert!(
            k.reason.contains("credential-issuing")
                && k.reason.contains(&format!("--include 'POST {path}'")),
            "{k:?}"
        );
    }
    assert!(
        r.skipped("POST", "/v2/signup")
            .is_some_and(|k| k.reason.contains("signup"))
    );
    // The near misses were exercised: an ordinary create, a device registration, and an
    // authenticated create that carries a password; each object was deleted again.
    for route in [
        "POST /v2/playlists",
        "POST /v2/devices/register",
        "POST /v2/members",
    ] {
        assert!(r.count(route) >= 1, "{route} was not sent");
    }
    for route in [
        "DELETE /v2/playlists/{playlistId}",
        "DELETE /v2/devices/{deviceId}",
        "DELETE /v2/members/{memberId}",
    ] {
        assert!(r.count(route) >= 1, "{route}: nothing cleaned up");
    }
    {
        let st = r.state.lock().expect("state");
        assert!(
            st.playlists.is_empty() && st.devices.is_empty() && st.members.is_empty(),
            "objects left: {st:?}"
        );
    }
    for path in ["/v2/playlists", "/v2/devices/register", "/v2/members"] {
        assert!(r.skipped("POST", path).is_none(), "{path} was skipped");
    }
    assert!(
        r.safety
            .writes
            .iter()
            .all(|w| !w.path.starts_with("/v2/signup"))
    );
    assert_eq!(r.safety.not_reverted(), 0, "{:#?}", r.safety.writes);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn included_sign_up_is_sent_once() {
    let r = tunes_scan(&["POST /v2/signup"]).await;
    assert_eq!(r.count("POST /v2/signup"), 1);
    assert!(r.skipped("POST", "/v2/signup").is_none());
    let w: Vec<_> = r
        .safety
        .writes
        .iter()
        .filter(|w| w.path == "/v2/signup")
        .collect();
    assert_eq!(w.len(), 1, "{:#?}", r.safety.writes);
    assert_eq!(w[0].kind, "included");
    // The other, not named, still receives nothing.
    assert_eq!(r.any_to("/v2/listeners"), 0);
    assert_eq!(r.state.lock().expect("state").accounts.len(), 1);
}
