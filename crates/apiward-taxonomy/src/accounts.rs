//! Names that say a record is a person's account: whose role a privilege field describes.
//!
//! A privilege field means something different by where it sits. `"role": "admin"` beside
//! `email` and `username` is a user's role, and showing it to others tells them whom to target;
//! `"permissions": {"push": true}` inside a repository object is what the *caller* may do there,
//! and is there by design. These predicates tell the two apart from names alone.

use crate::fields::{Meaning, Personal, Strength, classify};
use crate::words::words;

/// A word naming people or their accounts (`users`, `member`, `customerProfiles`' `profiles`).
pub fn is_account_word(word: &str) -> bool {
    matches!(
        word,
        "user"
            | "users"
            | "account"
            | "accounts"
            | "member"
            | "members"
            | "customer"
            | "customers"
            | "employee"
            | "employees"
            | "person"
            | "people"
            | "persons"
            | "profile"
            | "profiles"
            | "staff"
            | "admin"
            | "admins"
            | "owner"
            | "author"
            | "patient"
            | "patients"
            | "student"
            | "students"
    )
}

/// A property name that identifies a person's account within its object: `username`, `login`,
/// `email`, `user_id`, `accountId`, `memberId`, or a strong personal e-mail or phone. Not a
/// person's name: `full_name` of a repository is `octocat/hello-world`.
pub fn identifies_account(name: &str) -> bool {
    let w = words(name);
    let joined = w.join("_");
    if matches!(
        joined.as_str(),
        "username" | "user_name" | "login" | "email" | "email_address" | "userid" | "uid"
    ) {
        return true;
    }
    // `user_id`, `accountId`, `member_uuid`: an id whose qualifier is an account word.
    if w.len() == 2
        && is_account_word(&w[0])
        && matches!(w[1].as_str(), "id" | "uuid" | "guid" | "name" | "login")
    {
        return true;
    }
    matches!(
        classify(name),
        Some(c) if c.strength == Strength::Strong
            && matches!(
                c.meaning,
                Meaning::Personal(Personal::Email | Personal::Phone)
            )
    )
}

/// Whether a path's last literal segment names people or accounts (`/users`, `/org/{o}/members`,
/// `/v2/customerAccounts/{id}`).
pub fn is_account_collection(path: &str) -> bool {
    path.split('/')
        .rev()
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .take(1)
        .any(|s| words(s).last().is_some_and(|w| is_account_word(w)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn account_identifying_names() {
        for n in [
            "username",
            "userName",
            "login",
            "email",
            "user_id",
            "accountId",
            "memberId",
            "customer_uuid",
        ] {
            assert!(identifies_account(n), "{n}");
        }
        // Names from the corpus that do not identify a person's account.
        for n in [
            "repository_id",
            "node_id",
            "full_name",
            "html_url",
            "installation_id",
            "app_slug",
            "displayName",
            "loginAttempts",
        ] {
            assert!(!identifies_account(n), "{n}");
        }
    }

    #[test]
    fn account_collections() {
        assert!(is_account_collection("/users"));
        assert!(is_account_collection("/orgs/{org}/members"));
        assert!(is_account_collection("/v2/customerAccounts/{id}"));
        assert!(!is_account_collection("/repos/{owner}/{repo}"));
        assert!(!is_account_collection("/app/installations"));
        assert!(!is_account_collection("/users/{id}/repos"));
    }
}
