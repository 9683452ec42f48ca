//! Node URLs: which a bot may talk to in the clear (an answer over a plain connection can be
//! rewritten by anyone between the bot and the host, so `ws://` is for loopback hosts only), and
//! how logs show them.

/// Whether `url` is `wss://`, or `ws://` to a loopback host (`localhost`, `127.0.0.0/8`, `::1`):
/// a node URL subxt connects to (`url_is_secure`) whose scheme is a WebSocket's.
pub fn secure_node_url(url: &str) -> bool {
    let websocket = url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "ws" | "wss"));
    websocket && subxt::utils::url_is_secure(url).unwrap_or(false)
}

/// `url` as logs may show it: scheme, host and port, without credentials, path or query (a
/// provider's API key often rides in one of them); a text that is no URL is not shown at all.
pub fn shown(url: &str) -> String {
    let Ok(parsed) = url::Url::parse(url) else {
        return String::from("(a node URL that does not parse)");
    };
    let host = parsed.host_str().unwrap_or_default();
    match parsed.port() {
        Some(port) => format!("{}://{host}:{port}", parsed.scheme()),
        None => format!("{}://{host}", parsed.scheme()),
    }
}

/// Whether [`shown`] leaves out part of `url` that reaching the node may need: credentials, a
/// path or a query. A default port it leaves out (`wss://host:443`) is not such a part, and a
/// text that is no URL has nothing to leave out.
pub fn shown_drops_parts(url: &str) -> bool {
    let Ok(parsed) = url::Url::parse(url) else {
        return false;
    };
    !parsed.username().is_empty()
        || parsed.password().is_some()
        || !matches!(parsed.path(), "" | "/")
        || parsed.query().is_some()
        || parsed.fragment().is_some()
}

#[cfg(test)]
mod tests {
    use super::{secure_node_url, shown, shown_drops_parts};

    #[test]
    fn only_credentials_a_path_or_a_query_count_as_dropped() {
        for kept in [
            "ws://127.0.0.1:9944",
            "ws://127.0.0.1:9944/",
            "wss://rpc.example.org:443",
            "wss://rpc.example.org",
            "WSS://RPC.example.org/",
        ] {
            assert!(!shown_drops_parts(kept), "{kept}");
        }
        for dropped in [
            "wss://user@rpc.example.org",
            "wss://user:secret@rpc.example.org",
            "wss://rpc.example.org/v1/KEY",
            "wss://rpc.example.org/?apikey=K",
            "wss://rpc.example.org#frag",
        ] {
            assert!(shown_drops_parts(dropped), "{dropped}");
        }
    }

    #[test]
    fn a_url_is_shown_without_credentials_path_or_query() {
        assert_eq!(
            shown("wss://user:secret@rpc.example.org:443/v1/KEY?token=T"),
            "wss://rpc.example.org"
        );
        assert_eq!(shown("ws://127.0.0.1:9944"), "ws://127.0.0.1:9944");
        assert_eq!(shown("ws://[::1]:9944/"), "ws://[::1]:9944");
        assert_eq!(
            shown("wss://user:p#ss@rpc.example.org"),
            "(a node URL that does not parse)"
        );
        assert_eq!(shown("rpc.example.org/KEY"), "(a node URL that does not parse)");
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
