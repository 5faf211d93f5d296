//! The out-of-band canary: a listener the target is asked to call (SSRF, webhook registration).
//!
//! Each probe gets its own token in the URL path, so a callback names the probe that caused it,
//! with the peer address and the delay after the canary started. By default the listener binds an
//! ephemeral loopback port, which only a target on the same machine can reach; for a remote
//! target the user gives `--canary-listen ADDR` (where to bind) and `--canary-url URL` (the
//! address the target should call, reachable from it). Without them a remote target's out-of-band
//! checks are reported as not confirmable, never as passed.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// One request the canary received.
#[derive(Debug, Clone)]
pub struct Hit {
    /// The request path (with the probe's token).
    pub path: String,
    /// Who called (the target or something acting for it).
    pub peer: String,
    /// Time since the canary started.
    pub after: Duration,
}

/// Where the canary listens and what URL the target is given.
#[derive(Debug, Clone, Default)]
pub struct CanaryConfig {
    /// `--canary-listen`: the address to bind (default: an ephemeral 127.0.0.1 port).
    pub listen: Option<String>,
    /// `--canary-url`: the base URL handed to the target (default: the bound loopback address).
    pub url: Option<String>,
}

impl CanaryConfig {
    /// Check the user's values: a bindable address, an http(s) URL that is not a metadata or
    /// link-local address (the scanner never hands a target such an address).
    pub fn validate(&self) -> Result<(), String> {
        if let Some(l) = &self.listen {
            l.parse::<std::net::SocketAddr>().map_err(|_| {
                format!("--canary-listen {l}: expected IP:PORT (e.g. 0.0.0.0:8787)")
            })?;
        }
        if let Some(u) = &self.url {
            let rest = u
                .strip_prefix("http://")
                .or_else(|| u.strip_prefix("https://"))
                .ok_or_else(|| format!("--canary-url {u}: expected an http:// or https:// URL"))?;
            let host = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host = host
                .rsplit_once(':')
                .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
                .map(|(h, _)| h)
                .unwrap_or(host)
                .trim_start_matches('[')
                .trim_end_matches(']');
            if host.is_empty() {
                return Err(format!("--canary-url {u}: no host"));
            }
            let forbidden = apiward_http::is_metadata_host(host)
                || host
                    .parse::<IpAddr>()
                    .is_ok_and(apiward_http::is_forbidden_ip);
            if forbidden {
                return Err(format!(
                    "--canary-url {u}: a cloud metadata or link-local address is never handed to a target"
                ));
            }
        }
        Ok(())
    }
}

pub struct Canary {
    base_url: String,
    nonce: String,
    hits: Arc<Mutex<Vec<Hit>>>,
    task: tokio::task::JoinHandle<()>,
    /// The listener is only reachable from this machine.
    pub loopback_only: bool,
}

/// Callbacks kept at most (a target that loops on the canary cannot fill memory).
const MAX_HITS: usize = 1000;

impl Canary {
    pub async fn start(cfg: &CanaryConfig) -> Result<Canary, String> {
        let bind = cfg.listen.as_deref().unwrap_or("127.0.0.1:0");
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .map_err(|e| format!("canary: cannot listen on {bind}: {e}"))?;
        let local = listener
            .local_addr()
            .map_err(|e| format!("canary: no local address: {e}"))?;
        let base_url = match &cfg.url {
            Some(u) => u.trim_end_matches('/').to_string(),
            None => format!("http://{local}"),
        };
        let loopback_only = cfg.url.is_none() && local.ip().is_loopback();
        let started = Instant::now();
        let hits = Arc::new(Mutex::new(Vec::new()));
        let h = hits.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut sock, peer)) = listener.accept().await else {
                    break;
                };
                let h = h.clone();
                tokio::spawn(async move {
                    let mut buf = vec![0u8; 4096];
                    let n = tokio::time::timeout(Duration::from_secs(2), sock.read(&mut buf))
                        .await
                        .ok()
                        .and_then(Result::ok)
                        .unwrap_or(0);
                    let line = String::from_utf8_lossy(buf.get(..n).unwrap_or_default());
                    if let Some(path) = line.lines().next().and_then(|l| l.split(' ').nth(1))
                        && let Ok(mut v) = h.lock()
                        && v.len() < MAX_HITS
                    {
                        v.push(Hit {
                            path: path.chars().take(512).collect(),
                            peer: peer.ip().to_string(),
                            after: started.elapsed(),
                        });
                    }
                    let _ = sock
                        .write_all(
                            b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok",
                        )
                        .await;
                });
            }
        });
        // A nonce per scan: a late callback from an earlier scan never matches this one's tokens.
        let nonce = format!(
            "{:08x}",
            (std::process::id() as u64 ^ started.elapsed().as_nanos() as u64 ^ local.port() as u64)
                .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                >> 32
        );
        Ok(Canary {
            base_url,
            nonce,
            hits,
            task,
            loopback_only,
        })
    }

    /// A token unique to this scan and probe.
    pub fn token(&self, probe: usize) -> String {
        format!("apiward-{}-{probe}", self.nonce)
    }

    /// The URL the target is handed for `token`.
    pub fn url_for(&self, token: &str) -> String {
        format!("{}/{token}", self.base_url)
    }

    /// The callbacks that carried `token`.
    pub fn hits_for(&self, token: &str) -> Vec<Hit> {
        let Ok(v) = self.hits.lock() else {
            return Vec::new();
        };
        // Tokens end in a probe number: `…-1` must not match `…-12`.
        v.iter()
            .filter(|h| {
                h.path
                    .split(['/', '?', '#', '&', '='])
                    .any(|seg| seg == token)
            })
            .cloned()
            .collect()
    }

    pub fn stop(self) {
        self.task.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canary_urls_are_checked() {
        let ok = CanaryConfig {
            listen: Some("0.0.0.0:8787".into()),
            url: Some("https://canary.example.net:8443/cb".into()),
        };
        assert!(ok.validate().is_ok());
        for bad in [
            "http://169.254.169.254/",
            "http://metadata.google.internal/x",
            "ftp://x.example/",
            "http://[fe80::1]:80/",
        ] {
            let c = CanaryConfig {
                listen: None,
                url: Some(bad.into()),
            };
            assert!(c.validate().is_err(), "{bad}");
        }
        let c = CanaryConfig {
            listen: Some("nonsense".into()),
            url: None,
        };
        assert!(c.validate().is_err());
    }

    #[tokio::test]
    async fn callbacks_are_correlated_to_their_probe() {
        let c = Canary::start(&CanaryConfig::default())
            .await
            .expect("canary");
        assert!(c.loopback_only);
        let (t1, t12) = (c.token(1), c.token(12));
        let url = c.url_for(&t12);
        let addr = url
            .trim_start_matches("http://")
            .split('/')
            .next()
            .expect("addr")
            .to_string();
        let mut sock = tokio::net::TcpStream::connect(&addr)
            .await
            .expect("connect");
        let req = format!("GET /{t12}?x=1 HTTP/1.1\r\nhost: {addr}\r\n\r\n");
        sock.write_all(req.as_bytes()).await.expect("write");
        let mut buf = Vec::new();
        let _ = sock.read_to_end(&mut buf).await;
        assert_eq!(c.hits_for(&t12).len(), 1);
        assert!(c.hits_for(&t1).is_empty(), "a prefix token must not match");
        assert_eq!(c.hits_for(&t12)[0].peer, "127.0.0.1");
        c.stop();
    }
}
