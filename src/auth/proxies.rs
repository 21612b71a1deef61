//! Which address a request comes from. The socket peer, unless that peer is one of the
//! configured reverse proxies (`http.trusted_proxies`): then `X-Forwarded-For` is read from
//! the right, skipping further trusted proxies, and the first address not trusted is the
//! client. Anyone else's `X-Forwarded-For` is ignored, so a client cannot pick its own key
//! in the sign-in limiter.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRef, FromRequestParts};
use axum::http::HeaderMap;
use axum::http::request::Parts;

use crate::app::AppState;
use crate::error::AppError;

/// Hops of `X-Forwarded-For` looked at, from the right; a longer chain is cut there.
const MAX_HOPS: usize = 16;

/// An address or a network in CIDR notation (`10.0.0.0/8`, `fd00::/8`, `192.0.2.7`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Network {
    base: IpAddr,
    prefix: u8,
}

impl Network {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, prefix)) => (address, Some(prefix)),
            None => (text, None),
        };
        let base: IpAddr =
            address.parse().map_err(|_| format!("`{text}` is not an IP address or a network such as 10.0.0.0/8"))?;
        let base = base.to_canonical();
        let bits = if base.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => bits,
            Some(prefix) => match prefix.parse::<u8>() {
                Ok(prefix) if prefix <= bits => prefix,
                _ => return Err(format!("`{text}`: the prefix length must be 0 to {bits}")),
            },
        };
        Ok(Self { base, prefix })
    }

    pub fn contains(&self, address: IpAddr) -> bool {
        match (self.base, address.to_canonical()) {
            (IpAddr::V4(base), IpAddr::V4(address)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(base) & mask == u32::from(address) & mask
            }
            (IpAddr::V6(base), IpAddr::V6(address)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(base) & mask == u128::from(address) & mask
            }
            _ => false,
        }
    }
}

/// The configured proxies; empty means `X-Forwarded-For` is never read.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<Network>);

impl TrustedProxies {
    /// Entries were checked by the configuration's validation; one that still fails is skipped.
    pub fn from_config(entries: &[String]) -> Self {
        Self(entries.iter().filter_map(|entry| Network::parse(entry).ok()).collect())
    }

    fn trusts(&self, address: IpAddr) -> bool {
        self.0.iter().any(|network| network.contains(address))
    }

    /// The client's address for a request that arrived from `peer`.
    pub fn client_address(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .collect();
        for hop in hops.iter().rev().take(MAX_HOPS) {
            match parse_hop(hop) {
                Some(address) => client = address,
                // A proxy we trust wrote something unreadable: stop at that proxy.
                None => break,
            }
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`192.0.2.1:4711`, `[2001:db8::1]:80`).
fn parse_hop(hop: &str) -> Option<IpAddr> {
    let hop = hop.trim();
    hop.parse::<IpAddr>()
        .or_else(|_| hop.parse::<SocketAddr>().map(|socket| socket.ip()))
        .ok()
        .map(|address| address.to_canonical())
}

/// The client's address (see the module comment), for limiters and logs.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

impl<S> FromRequestParts<S> for ClientAddr
where
    AppState: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        // The extractor, not the extension alone: in-process callers give the address with
        // axum's `MockConnectInfo` layer instead of a listener.
        let ConnectInfo(peer) = ConnectInfo::<SocketAddr>::from_request_parts(parts, &state)
            .await
            .map_err(|_| AppError::Internal(anyhow::anyhow!("the listener does not record peer addresses")))?;
        Ok(Self(state.auth.proxies.client_address(peer.ip(), &parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn headers(forwarded: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in forwarded {
            headers.append("x-forwarded-for", HeaderValue::from_str(value).expect("header"));
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn networks_parse_and_match() {
        let net = Network::parse("10.1.0.0/16").expect("parse");
        assert!(net.contains(ip("10.1.200.3")));
        assert!(!net.contains(ip("10.2.0.1")));
        assert!(net.contains(ip("::ffff:10.1.0.9")), "IPv4-mapped addresses count as IPv4");
        assert!(Network::parse("::1").expect("parse").contains(ip("::1")));
        assert!(Network::parse("0.0.0.0/0").expect("parse").contains(ip("192.0.2.1")));
        assert!(Network::parse("fd00::/8").expect("parse").contains(ip("fd12::1")));
        for bad in ["10.0.0.0/33", "proxy.example", "10.0.0.0/x", ""] {
            assert!(Network::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn forwarded_for_counts_only_from_trusted_peers() {
        let proxies = TrustedProxies::from_config(&["127.0.0.1".into(), "10.0.0.0/8".into()]);
        let forged = headers(&["203.0.113.9"]);
        assert_eq!(proxies.client_address(ip("198.51.100.1"), &forged), ip("198.51.100.1"), "untrusted peer");
        assert_eq!(proxies.client_address(ip("127.0.0.1"), &forged), ip("203.0.113.9"));
        // A client's own X-Forwarded-For entry is to the left of what the proxies appended.
        let chain = headers(&["1.2.3.4, 203.0.113.9", "10.0.0.5"]);
        assert_eq!(proxies.client_address(ip("127.0.0.1"), &chain), ip("203.0.113.9"));
        assert_eq!(proxies.client_address(ip("127.0.0.1"), &headers(&["garbage"])), ip("127.0.0.1"));
        assert_eq!(proxies.client_address(ip("127.0.0.1"), &headers(&["[2001:db8::1]:80"])), ip("2001:db8::1"));
        assert_eq!(TrustedProxies::default().client_address(ip("127.0.0.1"), &forged), ip("127.0.0.1"));
    }
}
