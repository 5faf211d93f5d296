//! Lifecycle markers: a value the API accepts but never returns, or returns only once, is not an
//! exposure — it is the recommended pattern for secrets.

/// Phrases of a description that say a value is shown once (on creation) and never again.
const ONCE_PHRASES: &[&str] = &[
    "only once",
    "returned once",
    "shown once",
    "displayed once",
    "only returned",
    "only be returned",
    "only shown",
    "only be shown",
    "only displayed",
    "only available",
    "only be retrieved",
    "only be viewed",
    "only visible",
    "not be shown again",
    "not be displayed again",
    "won't be shown again",
    "will not be shown",
    "cannot be retrieved",
    "can't be retrieved",
    "not be retrievable",
    "not retrievable",
    "never returned",
    "not returned",
    "is never shown",
    "write-only",
    "write only",
    "returned on creation",
    "at creation time",
    "upon creation",
    "only on creation",
    "only during creation",
    "only when creating",
];

/// Does this description say the value is returned only once, or never?
pub fn returned_once(description: &str) -> bool {
    let d = description.to_ascii_lowercase();
    ONCE_PHRASES.iter().any(|p| d.contains(p))
}

/// Phrases that say a value is meant for the client (a payment intent's `client_secret` used with
/// a publishable key): handing it to the caller is the design.
const CLIENT_PHRASES: &[&str] = &[
    "client-side",
    "client side",
    "publishable key",
    "safe to share",
    "safe to expose",
    "pass it to the client",
    "passed to the client",
    "used by the client to",
    "short-lived",
    " sdk",
    "frontend",
    "front-end",
    "in the browser",
];

/// Does this description say the value is meant to be handed to the client?
pub fn meant_for_client(description: &str) -> bool {
    let d = description.to_ascii_lowercase();
    CLIENT_PHRASES.iter().any(|p| d.contains(p))
}

/// Azure's `x-ms-mutability`: a property whose mutability list lacks `read` is never returned.
pub fn mutability_hides_read(values: &[&str]) -> bool {
    !values.is_empty() && !values.iter().any(|v| v.eq_ignore_ascii_case("read"))
}

/// A permission flag (`canView`, `can_delete`, `allowEdit`): what the caller may do, not data.
pub fn is_permission_flag(name: &str) -> bool {
    let w = crate::words::words(name);
    w.len() > 1 && matches!(w[0].as_str(), "can" | "may" | "allow" | "allowed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn once_and_never() {
        // Descriptions from the shared corpus.
        assert!(returned_once(
            "The client secret. This value is only returned once, when the client is created."
        ));
        assert!(returned_once("The API key. Only shown once on creation."));
        assert!(returned_once("Secret value. Write-only."));
        assert!(!returned_once("The client secret used to sign requests."));
        assert!(meant_for_client(
            "The client secret of this PaymentIntent. Used for client-side retrieval using a publishable key."
        ));
        assert!(!meant_for_client(
            "The client secret of the OAuth application."
        ));
        assert!(mutability_hides_read(&["create", "update"]));
        assert!(!mutability_hides_read(&["create", "read"]));
        assert!(!mutability_hides_read(&[]));
        assert!(is_permission_flag("canView"));
        assert!(is_permission_flag("can_delete"));
        assert!(!is_permission_flag("candidate"));
        assert!(!is_permission_flag("canonical_url"));
    }
}
