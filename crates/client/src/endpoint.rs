//! Which endpoints a bot may talk to in the clear: an answer over a plain connection can be
//! rewritten by anyone between the bot and the host, so plain schemes are for loopback hosts only.

/// Whether `url` is `tls://…` (e.g. `wss`, `https`), or `plain://…` (`ws`, `http`) to a loopback
/// host (`localhost`, `127.0.0.0/8`, `[::1]`).
pub fn secure(url: &str, tls: &str, plain: &str) -> bool {
    let scheme_of = |scheme: &str| url.strip_prefix(scheme).and_then(|rest| rest.strip_prefix("://"));
    if scheme_of(tls).is_some() {
        return true;
    }
    let Some(rest) = scheme_of(plain) else {
        return false;
    };
    let authority = rest.split(['/', '?']).next().unwrap_or_default();
    let host = match authority.rsplit_once(':') {
        Some((h, port)) if port.chars().all(|c| c.is_ascii_digit()) => h,
        _ => authority,
    };
    host == "localhost"
        || host
            .trim_matches(['[', ']'])
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
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
    use super::{secure, shown};

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
            assert!(secure(ok, "wss", "ws"), "{ok}");
        }
        for refused in [
            "ws://rpc.example.org:9944",
            "ws://10.0.0.1:9944",
            "ws://127.0.0.1.example.org",
            "http://127.0.0.1:9944",
            "wsx://127.0.0.1",
            "127.0.0.1:9944",
        ] {
            assert!(!secure(refused, "wss", "ws"), "{refused}");
        }
        assert!(secure("http://127.0.0.1:8080/p", "https", "http"));
        assert!(!secure("http://prices.example.org/p", "https", "http"));
    }
}
