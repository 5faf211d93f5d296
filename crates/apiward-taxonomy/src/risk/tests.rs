use super::*;

fn get(path: &str, id: Option<&str>, summary: Option<&str>) -> RiskAssessment {
    assess(&OperationFacts {
        method: "GET",
        path,
        operation_id: id,
        summary,
        ..Default::default()
    })
}

fn risk(method: &str, path: &str, id: Option<&str>, summary: Option<&str>) -> OperationRisk {
    assess(&OperationFacts {
        method,
        path,
        operation_id: id,
        summary,
        ..Default::default()
    })
    .risk
}

#[test]
fn state_changing_gets_from_independent_apis() {
    use OperationRisk::*;
    // Path words alone.
    assert_eq!(get("/setup/seed", None, None).risk, Destructive);
    assert_eq!(get("/admin/reset-db", None, None).risk, Destructive);
    assert_eq!(get("/api/resetDatabase", None, None).risk, Destructive);
    assert_eq!(get("/users/logout", None, None).risk, CredentialChanging);
    assert_eq!(get("/auth/sign-out", None, None).risk, CredentialChanging);
    assert_eq!(get("/sendReminder", None, None).risk, StateChanging);
    assert!(get("/sendReminder", None, None).action);
    assert_eq!(get("/jobs/{id}/run", None, None).risk, StateChanging);
    assert_eq!(get("/cache/flush", None, None).risk, Destructive);
    assert_eq!(
        get("/db/init", Some("init_db_db_init_get"), Some("Init Db")).risk,
        Destructive
    );
    assert_eq!(get("/password-reset", None, None).risk, CredentialChanging);
    // FastAPI-generated operationId and summary (function name first).
    assert_eq!(
        get(
            "/v1/maintenance",
            Some("rebuild_everything_v1_maintenance_get"),
            Some("Rebuild Everything")
        )
        .risk,
        Destructive
    );
    // Summaries and descriptions say so.
    assert_eq!(
        get("/x", None, Some("Reset the demo data")).risk,
        Destructive
    );
    let d = assess(&OperationFacts {
        method: "GET",
        path: "/v1/state",
        description: Some("This endpoint drops every table and reseeds the users."),
        ..Default::default()
    });
    assert_eq!(d.risk, Destructive);
    // A GET documented to answer 201.
    let c = assess(&OperationFacts {
        method: "GET",
        path: "/v1/things",
        success_statuses: vec![201],
        ..Default::default()
    });
    assert_eq!(c.risk, StateChanging);
}

#[test]
fn read_only_gets_from_real_specs() {
    use OperationRisk::*;
    // GitHub: nouns that look like verbs, with reading operationIds.
    assert_eq!(
        get(
            "/repos/{owner}/{repo}/import",
            Some("migrations/get-import-status"),
            Some("Get an import status")
        )
        .risk,
        ReadOnly
    );
    assert_eq!(
        get(
            "/repos/{owner}/{repo}/actions/runs",
            Some("actions/list-workflow-runs-for-repo"),
            Some("List workflow runs for a repository")
        )
        .risk,
        ReadOnly
    );
    assert_eq!(
        get(
            "/repos/{owner}/{repo}/pulls/{pull_number}/merge",
            Some("pulls/check-if-merged"),
            Some("Check if a pull request has been merged")
        )
        .risk,
        ReadOnly
    );
    assert_eq!(
        get(
            "/user/starred",
            Some("activity/list-repos-starred-by-authenticated-user"),
            None
        )
        .risk,
        ReadOnly
    );
    // Plain nouns.
    assert_eq!(get("/v2/orders/{order_id}", None, None).risk, ReadOnly);
    assert_eq!(get("/v2/settings", None, None).risk, ReadOnly);
    assert_eq!(get("/v2/add-ons", None, None).risk, ReadOnly);
    assert_eq!(get("/books/{isbn}", None, None).risk, ReadOnly);
    assert_eq!(get("/v2/internal/users/export", None, None).risk, ReadOnly);
    assert_eq!(get("/workflows/{id}/runs", None, None).risk, ReadOnly);
    assert_eq!(get("/login", None, None).risk, ReadOnly);
    assert_eq!(
        get("/v2/health", Some("health_v2_health_get"), Some("Health")).risk,
        ReadOnly
    );
    // A description that mentions what a reader could do next is not what the GET does.
    let d = assess(&OperationFacts {
        method: "GET",
        path: "/items",
        summary: Some("List items"),
        description: Some(
            "Returns the items you can delete with DELETE /items/{id}. Deleted items are not listed.",
        ),
        ..Default::default()
    });
    assert_eq!(d.risk, ReadOnly);
}

#[test]
fn writes() {
    use OperationRisk::*;
    assert_eq!(risk("DELETE", "/users/{id}", None, None), Destructive);
    assert_eq!(
        risk("POST", "/users", Some("createUser"), None),
        StateChanging
    );
    assert_eq!(risk("POST", "/admin/reset", None, None), Destructive);
    assert_eq!(risk("POST", "/auth/logout", None, None), CredentialChanging);
    assert_eq!(
        risk("PUT", "/users/{id}/password", None, None),
        CredentialChanging
    );
    assert_eq!(
        risk("POST", "/tokens/{id}/revoke", None, None),
        CredentialChanging
    );
    assert_eq!(
        risk("POST", "/apps/{id}/rotateApiKey", None, None),
        CredentialChanging
    );
    // The body decides for a profile update that can set a password.
    let a = assess(&OperationFacts {
        method: "PATCH",
        path: "/accounts/{id}",
        body_fields: vec!["email", "newPassword"],
        ..Default::default()
    });
    assert_eq!(a.risk, CredentialChanging);
    // Logins and registrations carry a password without changing one.
    let login = assess(&OperationFacts {
        method: "POST",
        path: "/v2/auth/login",
        body_fields: vec!["username", "password"],
        ..Default::default()
    });
    assert_eq!(login.risk, StateChanging);
    assert!(login.login);
    let token = assess(&OperationFacts {
        method: "POST",
        path: "/token",
        body_fields: vec!["username", "password", "grant_type"],
        ..Default::default()
    });
    assert!(token.login);
    assert_eq!(token.risk, StateChanging);
    let register = assess(&OperationFacts {
        method: "POST",
        path: "/register",
        body_fields: vec!["email", "password"],
        ..Default::default()
    });
    assert_eq!(register.risk, StateChanging);
    // Actions vs creates.
    let send = assess(&OperationFacts {
        method: "POST",
        path: "/invoices/{id}/send",
        ..Default::default()
    });
    assert!(send.action);
    let create = assess(&OperationFacts {
        method: "POST",
        path: "/invoices",
        ..Default::default()
    });
    assert!(!create.action);
    assert_eq!(create.risk, StateChanging);
    // A profile update without credential fields is an ordinary update.
    let me = assess(&OperationFacts {
        method: "PATCH",
        path: "/v2/me",
        body_fields: vec!["full_name", "phone", "role", "is_admin"],
        ..Default::default()
    });
    assert_eq!(me.risk, StateChanging);
}

#[test]
fn operation_id_conventions() {
    use OperationRisk::*;
    // AWS query APIs: GET with an upper-case method prefix before the real action.
    assert_eq!(
        get("/#Action=DeleteAlarms", Some("GET_DeleteAlarms"), None).risk,
        Destructive
    );
    assert_eq!(
        get("/#Action=PutMetricData", Some("GET_PutMetricData"), None).risk,
        StateChanging
    );
    assert_eq!(
        get("/#Action=DescribeAlarms", Some("GET_DescribeAlarms"), None).risk,
        ReadOnly
    );
    // Azure `Resource_Verb`.
    assert_eq!(
        get(
            "/subscriptions/{s}/softwareUpdateConfigurations/{n}",
            Some("SoftwareUpdateConfigurations_GetByName"),
            None
        )
        .risk,
        ReadOnly
    );
    // A camelCase `get` prefix is a reading verb, whatever noun follows.
    assert_eq!(
        get("/v2/email/identities/{id}", Some("GetEmailIdentity"), None).risk,
        ReadOnly
    );
    assert_eq!(
        get("/v2/email/import-jobs/{id}", Some("GetImportJob"), None).risk,
        ReadOnly
    );
    assert_eq!(
        get("/blocks/{block}", Some("getblock"), Some("getBlock")).risk,
        ReadOnly
    );
    assert_eq!(get("/a/{b}/c", Some("GetChangeLogs"), None).risk, ReadOnly);
    // Reading verbs joined to a destructive one still count.
    assert_eq!(
        get("/counters", Some("getAndResetCounters"), None).risk,
        Destructive
    );
    assert_eq!(
        get(
            "/x/{a}",
            Some("GetEmailTemplateByEmployerIdAndEmailTemplateId"),
            None
        )
        .risk,
        ReadOnly
    );
}

fn write(method: &str, path: &str, id: Option<&str>, summary: Option<&str>) -> RiskAssessment {
    assess(&OperationFacts {
        method,
        path,
        operation_id: id,
        summary,
        ..Default::default()
    })
}

#[test]
fn sign_ups_by_their_words() {
    // Paths, operationIds and summaries of sign-up operations, in several styles.
    for (method, path, id, summary) in [
        ("POST", "/api/users/register", None, None),
        ("POST", "/v2/signup", None, None),
        ("POST", "/auth/sign-up", None, None),
        ("POST", "/users/sign_up", None, None),
        ("POST", "/account/signUp", None, None),
        ("POST", "/register", None, None),
        ("POST", "/v1/registration", None, None),
        ("POST", "/create-account", None, None),
        ("POST", "/customers/enroll", None, None),
        ("PUT", "/members/join", None, None),
        ("POST", "/v1/people", Some("registerPerson"), None),
        ("POST", "/v1/people", Some("userRegistration"), None),
        ("POST", "/v1/profiles", Some("createAccount"), None),
        ("POST", "/v1/profiles", None, Some("Register a new user")),
        ("POST", "/v1/profiles", None, Some("Sign up")),
        ("POST", "/v1/profiles", None, Some("Open an account")),
        // AWS-style action paths: the verb's object ends in an account.
        (
            "POST",
            "/account/registerOrganizationAdminAccount",
            None,
            None,
        ),
    ] {
        let a = write(method, path, id, summary);
        assert!(a.sign_up, "{method} {path} {id:?} {summary:?}: {a:?}");
        assert!(!a.login && !a.action, "{path}: {a:?}");
        assert_eq!(a.risk, OperationRisk::StateChanging, "{path}");
        assert!(a.reason.starts_with("sign-up"), "{}", a.reason);
    }
    // Registering something else, reading a sign-up form, signing in, joining a team.
    for (method, path, id, summary) in [
        ("POST", "/devices/register", None, None),
        ("POST", "/v2/webhooks/register", None, None),
        ("POST", "/register/device", None, None),
        ("POST", "/hooks", Some("registerWebhook"), None),
        ("POST", "/events/{eventId}/registrations", None, None),
        ("POST", "/courses/{courseId}/enroll", None, None),
        ("POST", "/teams/{teamId}/join", None, None),
        ("POST", "/x", None, Some("Enroll in a course")),
        ("POST", "/users", Some("createUser"), Some("Create a user")),
        ("POST", "/users/sign_in", None, None),
        ("POST", "/v2/auth/login", None, None),
        ("GET", "/signup", None, None),
        ("POST", "/playlists", None, Some("Create a playlist")),
        ("POST", "/hooks", None, Some("Register a device for a user")),
        ("POST", "/createAccountHolder", None, None),
        (
            "POST",
            "/balanceAccounts",
            None,
            Some("Create a balance account"),
        ),
        (
            "POST",
            "/rvcer/certificate",
            Some("rvcer"),
            Some("Registration of Vehicles"),
        ),
        // Under another object: not the caller's own account.
        (
            "POST",
            "/users/{userId}/accounts",
            None,
            Some("Create account"),
        ),
        // A summary is a title; a sentence that mentions creating accounts is not one.
        (
            "POST",
            "/v1/accounts",
            None,
            Some("With Connect, you can create Stripe accounts for your users."),
        ),
    ] {
        let a = write(method, path, id, summary);
        assert!(!a.sign_up, "{method} {path} {id:?} {summary:?}: {a:?}");
    }
    // A password-reset request stays credential-changing, refused for that reason.
    let reset = write("POST", "/password/reset", None, None);
    assert_eq!(reset.risk, OperationRisk::CredentialChanging);
    assert!(!reset.sign_up);
}

#[test]
fn sign_ups_by_their_body() {
    let open = |path, fields: Vec<&'static str>, authenticated| {
        assess(&OperationFacts {
            method: "POST",
            path,
            body_fields: fields,
            authenticated,
            ..Default::default()
        })
    };
    // An unauthenticated create that names an account and sets its password.
    let a = open("/v1/accounts", vec!["emailAddress", "password"], false);
    assert!(a.sign_up, "{a:?}");
    assert_eq!(a.risk, OperationRisk::StateChanging);
    assert!(open("/members", vec!["userName", "passphrase"], false).sign_up);
    // RealWorld's `POST /users` nests the account: the flattened names count.
    assert!(
        open(
            "/users",
            vec!["user", "email", "password", "username"],
            false
        )
        .sign_up
    );
    // An administrator creating a user: an authenticated create the scan can delete.
    assert!(!open("/users", vec!["email", "password"], true).sign_up);
    // A login carries the same body and opens nothing.
    let login = open("/sessions", vec!["email", "password"], false);
    assert!(!login.sign_up && login.login, "{login:?}");
    // A password-protected paste names no account; a contact form sets no password.
    assert!(!open("/pastes", vec!["content", "password"], false).sign_up);
    assert!(!open("/contact", vec!["email", "message"], false).sign_up);
    // Under an object: not a caller's own sign-up.
    assert!(!open("/orgs/{org}/invites", vec!["email", "password"], false).sign_up);
}

/// A subscription that stores the URL to call is a create (offered to the active scan like
/// `POST /webhooks`); subscribing without one (a newsletter, a follow) stays an action.
#[test]
fn subscribe_registrations_are_creates() {
    use OperationRisk::*;
    let write = |path, id, summary, body: Vec<&'static str>| {
        assess(&OperationFacts {
            method: "POST",
            path,
            operation_id: id,
            summary,
            body_fields: body,
            authenticated: true,
            ..Default::default()
        })
    };
    for a in [
        write(
            "/events/subscribe",
            None,
            Some("Subscribe to events"),
            vec!["notifyUrl", "events"],
        ),
        // Adyen: the operationId says create, the summary subscribe; the password is the one
        // its deliveries carry.
        write(
            "/createNotificationConfiguration",
            Some("post-createNotificationConfiguration"),
            Some("Subscribe to notifications"),
            vec![
                "configurationDetails",
                "notifyURL",
                "notifyUsername",
                "notifyPassword",
            ],
        ),
    ] {
        assert_eq!(a.risk, StateChanging, "{a:?}");
        assert!(!a.action, "{a:?}");
    }
    for a in [
        write(
            "/newsletter/subscribe",
            None,
            Some("Subscribe to the newsletter"),
            vec!["email"],
        ),
        write(
            "/events/subscribe",
            None,
            Some("Subscribe to events"),
            vec!["events"],
        ),
        // A redirect after subscribing is not where deliveries go.
        write(
            "/lists/{id}/subscribe",
            None,
            Some("Subscribe to a list"),
            vec!["email", "redirect_url"],
        ),
    ] {
        assert_eq!(a.risk, StateChanging, "{a:?}");
        assert!(a.action, "{a:?}");
    }
}
