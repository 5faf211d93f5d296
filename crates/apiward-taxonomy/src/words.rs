//! Splitting compound names into words.

/// Lower-case words of a compound name: `getUserByID` → `get user by id`, `reset-db` →
/// `reset db`, `HTTPServerURL` → `http server url`, `v2_orders` → `v 2 orders`.
///
/// Boundaries: any non-alphanumeric byte, lower→upper (`userId`), the last capital of an acronym
/// before a lower-case letter (`HTTPServer`), and letter↔digit.
pub fn words(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    split_words(name, |w| out.push(w.to_ascii_lowercase()));
    out
}

/// [`words`] without allocating a vector: calls `f` with each word as written (not lower-cased).
pub fn split_words<'a>(name: &'a str, mut f: impl FnMut(&'a str)) {
    let b = name.as_bytes();
    let mut start: Option<usize> = None;
    for i in 0..b.len() {
        let c = b[i];
        if !c.is_ascii_alphanumeric() {
            if let Some(s) = start.take() {
                f(&name[s..i]);
            }
            continue;
        }
        let Some(s) = start else {
            start = Some(i);
            continue;
        };
        let prev = b[i - 1];
        let boundary = (prev.is_ascii_lowercase() && c.is_ascii_uppercase())
            || (prev.is_ascii_digit() != c.is_ascii_digit())
            || (prev.is_ascii_uppercase()
                && c.is_ascii_uppercase()
                && b.get(i + 1).is_some_and(|n| n.is_ascii_lowercase()));
        if boundary {
            f(&name[s..i]);
            start = Some(i);
        }
    }
    if let Some(s) = start {
        f(&name[s..]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_compounds() {
        assert_eq!(words("getUserByID"), ["get", "user", "by", "id"]);
        assert_eq!(words("reset-db"), ["reset", "db"]);
        assert_eq!(words("RESET_DB"), ["reset", "db"]);
        assert_eq!(words("HTTPServerURL"), ["http", "server", "url"]);
        assert_eq!(words("v2_orders"), ["v", "2", "orders"]);
        assert_eq!(words("sendReminder"), ["send", "reminder"]);
        assert_eq!(
            words("migrations/get-import-status"),
            ["migrations", "get", "import", "status"]
        );
        assert_eq!(words("  "), Vec::<String>::new());
        assert_eq!(words("x"), ["x"]);
        // Non-ASCII bytes are separators, never split inside a code point.
        assert_eq!(words("naïveName"), ["na", "ve", "name"]);
    }
}
