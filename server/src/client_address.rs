//! Where a request comes from, worked out once for every route: the socket's peer, or,
//! when the peer is one of the proxies named in `RPH_TRUSTED_PROXIES`, the address
//! those proxies say they forwarded for. Headers from anyone else are ignored, so a
//! client cannot choose its own address to slip past a rate limit.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use axum::extract::{ConnectInfo, Request};
use ipnet::IpNet;

use app::server::auth::ClientAddress;

/// The proxies whose forwarding headers are believed.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Arc<Vec<IpNet>>);

impl TrustedProxies {
    pub fn new(networks: Vec<IpNet>) -> TrustedProxies {
        TrustedProxies(Arc::new(networks))
    }

    /// Parses a comma-separated list of addresses and networks (`10.0.0.0/8`, `::1`).
    pub fn parse(list: &str) -> Result<TrustedProxies, String> {
        list.split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(|item| {
                item.parse::<IpNet>()
                    .or_else(|_| item.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| item.to_owned())
            })
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies::new)
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|network| network.contains(&ip))
    }

    /// The client's address: walking the forwarded chain from the nearest hop, the
    /// first address that is not a trusted proxy. A hop that cannot be read ends the
    /// walk at the last proxy that could.
    pub fn client_of(&self, peer: IpAddr, headers: &http::HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let mut client = peer;
        for hop in forwarded_chain(headers).into_iter().rev() {
            match hop {
                Some(ip) if self.trusts(ip) => client = ip,
                Some(ip) => return ip,
                None => return client,
            }
        }
        client
    }
}

/// The addresses a request passed through, client first: from `Forwarded` (RFC 7239)
/// when present, else from `X-Forwarded-For`. `None` for a hop that is hidden or
/// unreadable.
fn forwarded_chain(headers: &http::HeaderMap) -> Vec<Option<IpAddr>> {
    let values = |name: &str| {
        headers
            .get_all(name)
            .iter()
            .map(|v| v.to_str().unwrap_or("\u{0}").to_owned())
            .collect::<Vec<_>>()
            .join(",")
    };
    let forwarded = values("forwarded");
    if !forwarded.is_empty() {
        return forwarded
            .split(',')
            .map(|element| {
                element
                    .split(';')
                    .filter_map(|pair| pair.trim().split_once('='))
                    .find(|(key, _)| key.eq_ignore_ascii_case("for"))
                    .and_then(|(_, value)| parse_node(value))
            })
            .collect();
    }
    let forwarded_for = values("x-forwarded-for");
    if forwarded_for.is_empty() {
        return Vec::new();
    }
    forwarded_for
        .split(',')
        .map(|hop| parse_node(hop.trim()))
        .collect()
}

/// An address as `Forwarded` or `X-Forwarded-For` writes it: bare, quoted, in
/// brackets, with or without a port.
fn parse_node(text: &str) -> Option<IpAddr> {
    let text = text.trim().trim_matches('"');
    if let Ok(ip) = text.parse::<IpAddr>() {
        return Some(ip.to_canonical());
    }
    if let Ok(socket) = text.parse::<SocketAddr>() {
        return Some(socket.ip().to_canonical());
    }
    text.strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .and_then(|(inside, _)| inside.parse::<IpAddr>().ok())
        .map(|ip| ip.to_canonical())
}

/// Puts the request's [`ClientAddress`] where pages, server functions and routes read it.
pub fn attach_client_address(proxies: &TrustedProxies, request: &mut Request) {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|info| info.0.ip());
    if let Some(peer) = peer {
        let client = proxies.client_of(peer, request.headers());
        request.extensions_mut().insert(ClientAddress(client));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> http::HeaderMap {
        let mut map = http::HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_headers_are_ignored() {
        let none = TrustedProxies::default();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(none.client_of(ip("198.51.100.1"), &h), ip("198.51.100.1"));
    }

    #[test]
    fn a_client_that_is_not_a_proxy_cannot_choose_its_address() {
        let proxies = TrustedProxies::parse("10.0.0.1").unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(
            proxies.client_of(ip("198.51.100.1"), &h),
            ip("198.51.100.1")
        );
    }

    #[test]
    fn behind_proxies_the_nearest_untrusted_hop_is_the_client() {
        let proxies = TrustedProxies::parse("10.0.0.0/8, ::1").unwrap();
        // The client wrote a made-up first hop; the proxies appended the real one.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(proxies.client_of(ip("10.0.0.1"), &h), ip("203.0.113.9"));
        assert_eq!(proxies.client_of(ip("::1"), &h), ip("203.0.113.9"));
        // Two header lines are one list.
        let h = headers(&[
            ("x-forwarded-for", "1.2.3.4"),
            ("x-forwarded-for", "203.0.113.7"),
        ]);
        assert_eq!(proxies.client_of(ip("10.0.0.1"), &h), ip("203.0.113.7"));
    }

    #[test]
    fn forwarded_is_read_in_its_own_syntax_and_wins() {
        let proxies = TrustedProxies::parse("127.0.0.1").unwrap();
        let h = headers(&[
            (
                "forwarded",
                r#"for=192.0.2.60;proto=https, for="[2001:db8::17]:4711""#,
            ),
            ("x-forwarded-for", "203.0.113.9"),
        ]);
        assert_eq!(proxies.client_of(ip("127.0.0.1"), &h), ip("2001:db8::17"));
        let h = headers(&[("forwarded", "for=198.51.100.17:8080;by=127.0.0.1")]);
        assert_eq!(proxies.client_of(ip("127.0.0.1"), &h), ip("198.51.100.17"));
    }

    #[test]
    fn an_unreadable_or_hidden_hop_stops_at_the_last_proxy() {
        let proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9, garbage, 10.0.0.3")]);
        assert_eq!(proxies.client_of(ip("10.0.0.1"), &h), ip("10.0.0.3"));
        let h = headers(&[("forwarded", "for=unknown")]);
        assert_eq!(proxies.client_of(ip("10.0.0.1"), &h), ip("10.0.0.1"));
        // A proxy that sent no header is the client as far as anyone can tell.
        assert_eq!(
            proxies.client_of(ip("10.0.0.1"), &headers(&[])),
            ip("10.0.0.1")
        );
    }

    #[test]
    fn ipv4_mapped_addresses_are_the_same_address() {
        let proxies = TrustedProxies::parse("127.0.0.1").unwrap();
        let h = headers(&[("x-forwarded-for", "::ffff:203.0.113.9")]);
        assert_eq!(
            proxies.client_of(ip("::ffff:127.0.0.1"), &h),
            ip("203.0.113.9")
        );
    }

    #[test]
    fn the_setting_names_what_it_cannot_read() {
        assert_eq!(
            TrustedProxies::parse("10.0.0.1, nonsense").unwrap_err(),
            "nonsense"
        );
        assert!(TrustedProxies::parse("").unwrap().0.is_empty());
    }
}
