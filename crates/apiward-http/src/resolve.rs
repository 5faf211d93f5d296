//! A DNS resolver that refuses metadata and link-local answers, so a host name that resolves to
//! 169.254.169.254 (or is rebound to it) is never connected to. IP-literal URLs never reach a
//! resolver: [`crate::policy::Policy::check`] handles those.

use std::net::SocketAddr;

use reqwest::dns::{Addrs, Name, Resolve, Resolving};

use crate::error::ResolvedToMetadata;
use crate::policy::{is_forbidden_ip, is_metadata_host};

#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct SafeResolver;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Resolve `host`, refusing metadata names and any forbidden answer. Shared by both clients.
async fn resolve_checked(host: String) -> Result<Vec<SocketAddr>, BoxError> {
    if is_metadata_host(&host) {
        return Err(Box::new(ResolvedToMetadata(host)));
    }
    let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
        .await
        .map_err(|e| Box::new(e) as BoxError)?
        .collect();
    // One forbidden answer taints the whole name: a mixed answer is a rebinding attempt.
    if addrs.iter().any(|a| is_forbidden_ip(a.ip())) {
        return Err(Box::new(ResolvedToMetadata(host)));
    }
    Ok(addrs)
}

impl Resolve for SafeResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            let it: Addrs = Box::new(resolve_checked(host).await?.into_iter());
            Ok(it)
        })
    }
}

/// The same resolver for the hyper-util client (plain http:// without a proxy).
impl tower_service::Service<hyper_util::client::legacy::connect::dns::Name> for SafeResolver {
    type Response = std::vec::IntoIter<SocketAddr>;
    type Error = BoxError;
    type Future = std::pin::Pin<
        Box<dyn std::future::Future<Output = Result<Self::Response, BoxError>> + Send>,
    >;

    fn poll_ready(
        &mut self,
        _cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), BoxError>> {
        std::task::Poll::Ready(Ok(()))
    }

    fn call(&mut self, name: hyper_util::client::legacy::connect::dns::Name) -> Self::Future {
        let host = name.as_str().to_string();
        Box::pin(async move { Ok(resolve_checked(host).await?.into_iter()) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[tokio::test]
    async fn refuses_metadata_answers() {
        for host in [
            "169.254.169.254",
            "fd00:ec2::254",
            "metadata.google.internal",
        ] {
            let name = Name::from_str(host).expect("name");
            let r = SafeResolver.resolve(name).await;
            let err = r.err().expect("refused");
            assert!(err.downcast_ref::<ResolvedToMetadata>().is_some(), "{host}");
        }
        let name = Name::from_str("127.0.0.1").expect("name");
        let addrs: Vec<_> = SafeResolver.resolve(name).await.expect("allowed").collect();
        assert!(!addrs.is_empty());
        // The hyper-util side refuses the same names.
        use tower_service::Service;
        for host in ["metadata.google.internal", "169.254.169.254"] {
            let name =
                hyper_util::client::legacy::connect::dns::Name::from_str(host).expect("name");
            let err = SafeResolver.call(name).await.expect_err("refused");
            assert!(err.downcast_ref::<ResolvedToMetadata>().is_some(), "{host}");
        }
    }
}
