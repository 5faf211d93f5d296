//! The one enforcement point: every request and every redirect hop passes [`Policy::check`] before
//! anything touches the network. The DNS resolver ([`crate::resolve`]) applies the same address rules
//! to resolved answers.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use reqwest::{Method, Url};
use url::Host;

use crate::error::HttpError;
use crate::redact::redact_url;

/// An allowed scheme + host + port. Hosts compare case-insensitively; ports default per scheme.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    pub scheme: String,
    pub host: String,
    pub port: u16,
}

impl Origin {
    /// The origin of a URL such as `https://api.example.com/v1` (path, query and credentials are ignored).
    pub fn parse(url: &str) -> Result<Origin, String> {
        let parsed =
            Url::parse(url).map_err(|e| format!("invalid URL `{}`: {e}", redact_url(url)))?;
        Origin::of(&parsed).ok_or_else(|| {
            format!(
                "`{}` has no http(s) origin (scheme must be http or https and a host is required)",
                redact_url(url)
            )
        })
    }

    /// The origin of an already parsed URL, if it is http(s) with a host.
    pub fn of(url: &Url) -> Option<Origin> {
        let scheme = url.scheme().to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return None;
        }
        let host = url.host_str()?.trim_end_matches('.').to_ascii_lowercase();
        if host.is_empty() {
            return None;
        }
        let port = url.port_or_known_default()?;
        Some(Origin { scheme, host, port })
    }

    /// `Origin::of(url) == Some(self)`, without allocating (the policy runs on every request).
    pub fn matches(&self, url: &Url) -> bool {
        let scheme = url.scheme();
        if !(scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https")) {
            return false;
        }
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return false;
        };
        let host = host.trim_end_matches('.');
        !host.is_empty()
            && port == self.port
            && scheme.eq_ignore_ascii_case(&self.scheme)
            && self.scheme.bytes().all(|b| !b.is_ascii_uppercase())
            && host.eq_ignore_ascii_case(&self.host)
            && self.host.bytes().all(|b| !b.is_ascii_uppercase())
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let default = matches!(
            (self.scheme.as_str(), self.port),
            ("http", 80) | ("https", 443)
        );
        if default {
            write!(f, "{}://{}", self.scheme, self.host)
        } else {
            write!(f, "{}://{}:{}", self.scheme, self.host, self.port)
        }
    }
}

/// Host names of cloud metadata services. Compared after lower-casing and dropping a trailing dot.
const METADATA_HOSTS: &[&str] = &[
    "metadata.google.internal",
    "metadata.goog",
    "metadata",
    "instance-data",
    "instance-data.ec2.internal",
];

/// Whether a host name is a well-known cloud metadata name.
pub fn is_metadata_host(host: &str) -> bool {
    let h = host.trim_end_matches('.');
    METADATA_HOSTS.iter().any(|m| m.eq_ignore_ascii_case(h))
}

/// Whether an address must never be contacted: cloud metadata services and the whole link-local
/// ranges (169.254.0.0/16, fe80::/10), also when embedded in IPv6 (mapped, compatible, NAT64).
pub fn is_forbidden_ip(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return forbidden_v4(v4);
            }
            let seg = v6.segments();
            // IPv4-compatible (::a.b.c.d) and NAT64 well-known prefix (64:ff9b::/96).
            let embedded =
                (seg[..6] == [0, 0, 0, 0, 0, 0]) || (seg[..6] == [0x64, 0xff9b, 0, 0, 0, 0]);
            if embedded {
                let v4 = Ipv4Addr::new(
                    (seg[6] >> 8) as u8,
                    seg[6] as u8,
                    (seg[7] >> 8) as u8,
                    seg[7] as u8,
                );
                if forbidden_v4(v4) {
                    return true;
                }
            }
            forbidden_v6(v6)
        }
    }
}

fn forbidden_v4(ip: Ipv4Addr) -> bool {
    let o = ip.octets();
    // 169.254.0.0/16 link-local (AWS, GCP, Azure IMDS at 169.254.169.254, ECS at 169.254.170.2).
    (o[0] == 169 && o[1] == 254)
        // Alibaba Cloud metadata.
        || o == [100, 100, 100, 200]
        // Azure WireServer.
        || o == [168, 63, 129, 16]
}

fn forbidden_v6(ip: Ipv6Addr) -> bool {
    let seg = ip.segments();
    // AWS IMDS over IPv6.
    ip == Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254)
        // fe80::/10 link-local.
        || (seg[0] & 0xffc0) == 0xfe80
}

/// The safety policy of one engine.
#[derive(Debug, Clone)]
pub struct Policy {
    origins: Vec<Origin>,
    active: bool,
    delete: bool,
}

impl Policy {
    pub fn new(origins: Vec<Origin>, active: bool) -> Policy {
        Policy {
            origins,
            active,
            delete: false,
        }
    }

    /// Allow DELETE as well when active (the scan's cleanup of the objects it created).
    pub fn with_delete(mut self, delete: bool) -> Policy {
        self.delete = delete;
        self
    }

    pub fn origins(&self) -> &[Origin] {
        &self.origins
    }

    /// Whether a method may ever be sent: GET, HEAD, OPTIONS always; POST, PUT, PATCH only when
    /// active; DELETE only when active with deletes allowed (cleanup of created objects); everything
    /// else (TRACE, CONNECT, extension methods) never.
    pub fn method_allowed(&self, method: &Method) -> bool {
        if *method == Method::GET || *method == Method::HEAD || *method == Method::OPTIONS {
            return true;
        }
        self.active
            && (*method == Method::POST
                || *method == Method::PUT
                || *method == Method::PATCH
                || (self.delete && *method == Method::DELETE))
    }

    /// THE check. Called before the first request and before every redirect hop.
    pub fn check(&self, method: &Method, url: &Url) -> Result<(), HttpError> {
        if !self.method_allowed(method) {
            let why = if self.active
                || !(*method == Method::POST || *method == Method::PUT || *method == Method::PATCH)
            {
                "never sent by apiward"
            } else {
                "needs --active"
            };
            return Err(HttpError::MethodNotAllowed(format!(
                "{method} {} ({why})",
                redact_url(url.as_str())
            )));
        }
        // The redacted URL is only built for a refusal.
        let shown = || redact_url(url.as_str());
        match url.host() {
            Some(Host::Ipv4(ip)) if is_forbidden_ip(IpAddr::V4(ip)) => {
                return Err(HttpError::MetadataAddress(shown()));
            }
            Some(Host::Ipv6(ip)) if is_forbidden_ip(IpAddr::V6(ip)) => {
                return Err(HttpError::MetadataAddress(shown()));
            }
            Some(Host::Domain(d)) if is_metadata_host(d) => {
                return Err(HttpError::MetadataAddress(shown()));
            }
            Some(_) => {}
            None => return Err(HttpError::OutOfScope(shown())),
        }
        // Same as `self.origins.contains(&Origin::of(url)?)`, without allocating.
        if !self.origins.iter().any(|o| o.matches(url)) {
            return Err(HttpError::OutOfScope(shown()));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The allocation-free `Origin::matches` agrees with `Origin::of` + equality.
    #[test]
    fn matches_agrees_with_of() {
        let origins = [
            Origin::parse("http://127.0.0.1:8080").expect("origin"),
            Origin::parse("https://API.Example.com").expect("origin"),
            Origin::parse("http://example.com.").expect("origin"),
            Origin {
                scheme: "http".into(),
                host: "Upper.example".into(),
                port: 80,
            },
            Origin {
                scheme: "ftp".into(),
                host: "example.com".into(),
                port: 21,
            },
        ];
        let urls = [
            "http://127.0.0.1:8080/a?b=c",
            "http://127.0.0.1:8081/",
            "https://127.0.0.1:8080/",
            "https://api.example.com/x",
            "https://api.example.com:443/x",
            "https://api.example.com.:443/x",
            "http://api.example.com/x",
            "http://EXAMPLE.com/",
            "http://example.com../",
            "http://upper.example/",
            "ftp://example.com/",
            "http://user:pw@127.0.0.1:8080/",
            "http://[::1]:8080/",
            "http://2130706433:8080/",
        ];
        for o in &origins {
            for u in urls {
                let url = Url::parse(u).expect("url");
                assert_eq!(
                    o.matches(&url),
                    Origin::of(&url).as_ref() == Some(o),
                    "{o:?} vs {u}"
                );
            }
        }
    }
}
