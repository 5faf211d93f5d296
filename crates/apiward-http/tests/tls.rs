//! HTTPS: a self-signed loopback server is a certificate error (a finding) unless `insecure`, and
//! TLS facts are recorded.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use apiward_http::{Engine, EngineConfig, HttpError, Request};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer};

const CERT: &[u8] = include_bytes!("fixtures/selfsigned-cert.pem");
const KEY: &[u8] = include_bytes!("fixtures/selfsigned-key.pem");

async fn https_server() -> (String, Arc<AtomicUsize>) {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(CERT)
        .collect::<Result<_, _>>()
        .expect("cert");
    let key = PrivateKeyDer::from_pem_slice(KEY).expect("key");
    let provider = Arc::new(tokio_rustls::rustls::crypto::ring::default_provider());
    let config = tokio_rustls::rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .expect("server config");
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let served = Arc::new(AtomicUsize::new(0));
    let count = served.clone();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            let count = count.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let mut buf = vec![0u8; 8192];
                let mut got = Vec::new();
                while !got.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                count.fetch_add(1, Ordering::SeqCst);
                let _ = tls
                    .write_all(
                        b"HTTP/1.1 200 OK\r\ncontent-length: 6\r\nconnection: close\r\n\r\nsecure",
                    )
                    .await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (format!("https://127.0.0.1:{}", addr.port()), served)
}

#[tokio::test]
async fn self_signed_is_a_certificate_error_unless_insecure() {
    let (base, served) = https_server().await;
    let engine = Engine::new(common::config(&[&base])).expect("engine");
    let r = engine.send(Request::get(format!("{base}/"))).await;
    assert!(matches!(r, Err(HttpError::Certificate(_))), "{r:?}");
    assert!(common::has_diag(&engine, "http.certificate"));
    assert_eq!(served.load(Ordering::SeqCst), 0);

    let engine = Engine::new(EngineConfig {
        insecure: true,
        ..common::config(&[&base])
    })
    .expect("engine");
    let x = engine
        .send(Request::get(format!("{base}/")))
        .await
        .expect("insecure accepts");
    assert_eq!(x.text(), "secure");
    let tls = x.tls.expect("tls facts");
    assert_eq!(tls.version.as_deref(), Some("TLSv1.3"));
    assert!(!tls.verified);
    assert_eq!(tls.self_signed, Some(true));
    assert!(
        tls.not_after
            .as_deref()
            .is_some_and(|d| d.starts_with("2126-")),
        "{:?}",
        tls.not_after
    );
    assert!(tls.peer_certificate.is_some_and(|d| !d.is_empty()));
}
