//! Node URLs: which a bot may talk to in the clear (an answer over a plain connection can be
//! rewritten by anyone between the bot and the host, so `ws://` is for loopback hosts only), and
//! how logs show them.

/// Whether `url` is `wss://`, or `ws://` to a loopback host (`localhost`, `127.0.0.0/8`, `::1`).
pub fn secure_node_url(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    match (parsed.scheme(), parsed.host()) {
        ("wss", Some(_)) => true,
        ("ws", Some(url::Host::Domain(name))) => name == "localhost",
        ("ws", Some(url::Host::Ipv4(ip))) => ip.is_loopback(),
        ("ws", Some(url::Host::Ipv6(ip))) => ip.is_loopback(),
        _ => false,
    }
}

/// `url` as logs may show it: scheme, host and port, without credentials, path or query (a
/// provider's API key often rides in one of them).
pub fn shown(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    if scheme.is_empty() {
        host.to_owned()
    } else {
        format!("{scheme}://{host}")
    }
}

#[cfg(test)]
mod tests {
    use super::{secure_node_url, shown};

    #[test]
    fn a_url_is_shown_without_credentials_path_or_query() {
        assert_eq!(
            shown("wss://user:secret@rpc.example.org:443/v1/KEY?token=T"),
            "wss://rpc.example.org:443"
        );
        assert_eq!(shown("ws://127.0.0.1:9944"), "ws://127.0.0.1:9944");
        assert_eq!(shown("rpc.example.org/KEY"), "rpc.example.org");
    }

    #[test]
    fn plain_schemes_only_to_loopback_hosts() {
        for ok in [
            "wss://rpc.example.org",
            "ws://127.0.0.1:9944",
            "ws://localhost:9944/",
            "ws://[::1]:9944",
            "ws://127.0.0.2",
        ] {
            assert!(secure_node_url(ok), "{ok}");
        }
        for refused in [
            "ws://rpc.example.org:9944",
            "ws://10.0.0.1:9944",
            "ws://127.0.0.1.example.org",
            "http://127.0.0.1:9944",
            "wsx://127.0.0.1",
            "127.0.0.1:9944",
        ] {
            assert!(!secure_node_url(refused), "{refused}");
        }
    }
}
