//! What the bots' binaries share around their work: logs to stderr, and an exit status that
//! tells a supervisor whether the command did its job.

use std::process::ExitCode;

/// Logs through `tracing` to stderr, filtered by `RUST_LOG` (default `info`), coloured only on a
/// terminal.
pub fn init_logging() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
}

/// The exit status of a configuration a bot refuses to run with (sysexits' `EX_CONFIG`): the
/// configuration, a key, record, address or URL it names, or the chain it names is not what the
/// bot signs for. Starting again changes nothing until an operator mends it, so the systemd units
/// name it in `RestartPreventExitStatus` and the unit stays failed where `systemctl status` shows
/// it. Every other failure (a node that cannot be reached, say) exits 1 and is restarted.
pub const MISCONFIGURED: u8 = 78;

/// Success, or the error with its whole context on stderr and its status: [`MISCONFIGURED`] when
/// an error in its chain is a refused configuration ([`is_shared_misconfiguration`], or `own` for
/// the binary's own configuration errors), else 1.
pub fn exit(
    result: anyhow::Result<()>,
    own: impl Fn(&(dyn std::error::Error + 'static)) -> bool,
) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {}", keel_client::error::causes(e.as_ref()));
            ExitCode::from(status(&e, own))
        }
    }
}

/// The exit status of a failed command: see [`exit`].
pub fn status(e: &anyhow::Error, own: impl Fn(&(dyn std::error::Error + 'static)) -> bool) -> u8 {
    if e.chain().any(|c| is_shared_misconfiguration(c) || own(c)) {
        MISCONFIGURED
    } else {
        1
    }
}

/// Whether `e`, one of the errors both bots share, refuses their configuration rather than
/// reporting a failure a restart may outlast: a key source, record file or address that does
/// not read ([`io_refused`] for a file), a node URL refused before connecting, a hash that does
/// not read, a configuration file that does not parse, the keeper's own configuration and pair
/// checks, a chain or code the bot does not trust, and a metrics address it may never serve on
/// ([`crate::metrics::ServeError::is_misconfiguration`]). A contract missing from a node that
/// lags is not among them (`Distrust::NoContract`: the node syncing, or before the record's
/// block); one absent from a synced node is.
pub fn is_shared_misconfiguration(e: &(dyn std::error::Error + 'static)) -> bool {
    use crate::trust::{Distrust, HashField, NotAHash};
    use keel_client::error::NodeError;
    use keel_client::keys::KeyError;
    use keel_client::record::AddressError;
    use keel_client::ClientError;
    if let Some(c) = e.downcast_ref::<ClientError>() {
        // Its transparent variants (whose `source` skips the inner error) as their inner error.
        return match c {
            ClientError::Node(n) => is_shared_misconfiguration(n),
            ClientError::Key(k) => is_shared_misconfiguration(k),
            ClientError::Address(a) => is_shared_misconfiguration(a),
            ClientError::File { source, .. } => io_refused(source),
            ClientError::Malformed { .. } => true,
            ClientError::Refused { .. }
            | ClientError::Unfunded(_)
            | ClientError::OutOfRange(_)
            | ClientError::StillInBand { .. } => false,
        };
    }
    if let Some(d) = e.downcast_ref::<Distrust>() {
        return !d.is_lag();
    }
    if let Some(crate::config::ConfigError::Read { source, .. }) = e.downcast_ref() {
        return io_refused(source);
    }
    if let Some(k) = e.downcast_ref::<KeyError>() {
        // All but a key file that failed to read for a reason a restart may outlast.
        return match k {
            KeyError::Unreadable { source, .. } => io_refused(source),
            _ => true,
        };
    }
    if let Some(s) = e.downcast_ref::<crate::metrics::ServeError>() {
        return s.is_misconfiguration();
    }
    matches!(e.downcast_ref::<NodeError>(), Some(NodeError::InsecureUrl(_)))
        || e.is::<AddressError>()
        || e.is::<NotAHash>()
        || e.is::<HashField>()
        || e.is::<crate::toml_error::TomlError>()
        || e.is::<crate::config::ConfigError>()
        || e.is::<crate::pair::PairError>()
}

/// Whether a file the configuration names failed to read for a reason only an operator mends (it
/// is missing, not readable by the bot, or not what it should hold), rather than one a restart
/// may outlast (a read that timed out or was interrupted). A file on a filesystem not mounted yet
/// reads as missing: a unit whose files live on one names it in `RequiresMountsFor=`.
pub fn io_refused(e: &std::io::Error) -> bool {
    use std::io::ErrorKind;
    matches!(
        e.kind(),
        ErrorKind::NotFound | ErrorKind::PermissionDenied | ErrorKind::InvalidData | ErrorKind::InvalidInput
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::ChainError;
    use crate::trust::{Distrust, Hash};
    use anyhow::Context;
    use keel_client::error::NodeError;
    use keel_client::keys::KeyError;
    use keel_client::ClientError;

    fn no_own(_: &(dyn std::error::Error + 'static)) -> bool {
        false
    }

    fn status_of(e: impl Into<anyhow::Error>) -> u8 {
        status(&e.into().context("starting"), no_own)
    }

    #[test]
    fn refused_configurations_exit_78_and_failures_a_restart_may_outlast_exit_1() {
        let other_chain = ChainError::Untrusted(Distrust::Genesis {
            expected: Hash([1; 32]),
            found: Hash([2; 32]),
        });
        assert_eq!(status_of(other_chain), MISCONFIGURED);
        assert_eq!(status_of(KeyError::Unset("KEEL_KEY".into())), MISCONFIGURED);
        assert_eq!(status_of(ClientError::Key(KeyError::NotASource)), MISCONFIGURED);
        assert_eq!(
            status_of(NodeError::InsecureUrl("ws://10.0.0.1:9944".into())),
            MISCONFIGURED
        );
        assert_eq!(status_of(crate::config::ConfigError::NoNode), MISCONFIGURED);
        assert_eq!(status_of(NodeError::Unreachable("refused".into())), 1);
        assert_eq!(
            status_of(ClientError::Node(NodeError::Unreachable("refused".into()))),
            1
        );
        assert_eq!(status_of(ChainError::Rpc("reset".into())), 1);
        assert_eq!(status_of(ClientError::Unfunded("5Grw".into())), 1);
        assert_eq!(status_of(anyhow::anyhow!("no reading")), 1);
    }

    #[test]
    fn the_exit_message_shows_each_cause_once() {
        let message = |e: &anyhow::Error| keel_client::error::causes(e.as_ref());
        let lag = ChainError::Untrusted(Distrust::NoContract(crate::trust::Role::Pool));
        let shown = message(&anyhow::Error::from(lag).context("reading pool a's tokens"));
        assert_eq!(
            shown,
            format!(
                "reading pool a's tokens: untrusted: {}",
                Distrust::NoContract(crate::trust::Role::Pool)
            )
        );
        // A source its error does not show is kept, after a colon.
        let config = crate::config::ConfigError::Read {
            path: "/etc/keel/keeper.toml".into(),
            source: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        let plain = anyhow::anyhow!("outer").context("starting");
        assert_eq!(message(&plain), "starting: outer");
        let read = message(&anyhow::Error::from(config).context("starting"));
        assert_eq!(
            read,
            format!(
                "starting: /etc/keel/keeper.toml: {}",
                std::io::Error::from(std::io::ErrorKind::NotFound)
            )
        );
    }

    #[test]
    fn a_missing_contract_or_a_file_a_restart_may_read_is_no_refused_configuration() {
        use std::io::{Error, ErrorKind};
        // A node still syncing has no contract at the address yet.
        let syncing = ChainError::Untrusted(Distrust::NoContract(crate::trust::Role::Oracle));
        assert_eq!(status_of(syncing), 1);
        let absent = ChainError::Untrusted(Distrust::Absent {
            role: crate::trust::Role::Oracle,
            block: 7,
        });
        assert_eq!(status_of(absent), MISCONFIGURED);
        let file = |kind| ClientError::File {
            path: "/etc/keel/deployment.json".into(),
            source: Error::from(kind),
        };
        assert_eq!(status_of(file(ErrorKind::NotFound)), MISCONFIGURED);
        assert_eq!(status_of(file(ErrorKind::PermissionDenied)), MISCONFIGURED);
        assert_eq!(status_of(file(ErrorKind::TimedOut)), 1);
        assert_eq!(status_of(file(ErrorKind::Interrupted)), 1);
        let key = |kind| KeyError::Unreadable {
            path: "/etc/keel/keeper.key".into(),
            source: Error::from(kind),
        };
        assert_eq!(status_of(key(ErrorKind::NotFound)), MISCONFIGURED);
        assert_eq!(status_of(key(ErrorKind::TimedOut)), 1);
        let config = crate::config::ConfigError::Read {
            path: "/etc/keel/keeper.toml".into(),
            source: Error::from(ErrorKind::TimedOut),
        };
        assert_eq!(status_of(config), 1);
    }

    #[test]
    fn a_metrics_address_the_bot_may_never_serve_on_is_refused_and_a_port_in_use_is_a_failure() {
        use crate::metrics::{serve_bot, Reply, ServeError};
        let serve = |addr: &str| {
            serve_bot(addr.parse().expect("addr"), Reply::not_found, String::new)
                .map_err(|e| anyhow::Error::from(e).context("serving metrics"))
        };
        let public = serve("0.0.0.0:0").expect_err("not loopback");
        assert_eq!(status(&public, no_own), MISCONFIGURED);
        // A port held by another listener (the instance before this one, still stopping).
        let held = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
        let port = held.local_addr().expect("bound").port();
        let in_use = serve(&format!("127.0.0.1:{port}")).expect_err("in use");
        assert_eq!(status(&in_use, no_own), 1, "{in_use:#}");
        // What the host cannot bind, whatever restarts: an address it does not have, a port it
        // may not take.
        for kind in [
            std::io::ErrorKind::AddrNotAvailable,
            std::io::ErrorKind::PermissionDenied,
        ] {
            let refused = ServeError::Listen {
                addr: "127.0.0.1:80".parse().expect("addr"),
                source: kind.into(),
            };
            assert_eq!(status_of(refused), MISCONFIGURED, "{kind:?}");
        }
    }

    #[test]
    fn a_binary_names_its_own_configuration_errors() {
        #[derive(Debug, thiserror::Error)]
        #[error("own")]
        struct Own;
        let e = Err::<(), _>(Own).context("reading reporter.toml").unwrap_err();
        assert_eq!(status(&e, no_own), 1);
        assert_eq!(status(&e, <dyn std::error::Error>::is::<Own>), MISCONFIGURED);
    }
}
