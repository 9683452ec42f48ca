//! Why talking to a node failed, sorted by what the caller can do about it ([`NodeError`]), and
//! why a deployment or a market action failed ([`ClientError`]).

use crate::keys::KeyError;
use crate::record::AddressError;
use std::path::PathBuf;

/// `e` and its sources, each after a colon, leaving out a source whose text the error before it
/// already shows, whole or as its last part after a colon (an error that shows its source in its
/// own message, as most of Keel's do so that one-line logs carry it). What a binary prints when
/// it fails.
pub fn causes(e: &(dyn std::error::Error + 'static)) -> String {
    let mut text = e.to_string();
    let mut previous = text.clone();
    let mut next = e.source();
    while let Some(cause) = next {
        let shown = cause.to_string();
        let repeated = previous == shown || previous.ends_with(&format!(": {shown}"));
        if !repeated {
            text.push_str(": ");
            text.push_str(&shown);
        }
        previous = shown;
        next = cause.source();
    }
    text
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NodeError {
    /// No connection could be made (node down, wrong URL); retried with backoff first.
    #[error("node unreachable: {0}")]
    Unreachable(String),
    /// A `ws://` URL to a host that is not loopback (anyone between could answer for the
    /// chain), or no `ws://`/`wss://` URL at all; refused before connecting.
    #[error("{0}: a node URL is wss://, or ws:// to a loopback host")]
    InsecureUrl(String),
    /// The connection broke or a request failed in transport; the request may not have arrived.
    #[error("rpc error: {0}")]
    Rpc(String),
    /// No answer in time; a submitted transaction may still land.
    #[error("timed out")]
    Timeout,
    /// The transaction left the pool without being included.
    #[error("transaction dropped: {0}")]
    Dropped(String),
    /// The node refused the transaction (bad nonce, signature, or an account that cannot pay).
    #[error("transaction refused by the node: {0}")]
    Invalid(String),
    /// The transaction was included but failed (e.g. `Contracts::ContractReverted`).
    #[error("transaction failed: {0}")]
    Failed(String),
    /// A contract answered with something other than what was expected.
    #[error("unexpected answer: {0}")]
    Decode(String),
    /// The node quoted a fee above what the sender allowed: nothing was sent.
    #[error("the node quotes a fee of {fee}, above the {max} allowed: not sent")]
    FeeAbove { fee: u128, max: u128 },
    /// The connection failed while the signed transaction was being handed to the node: it may
    /// be in the node's pool and land. A sender books it as sent and names its nonce next time,
    /// so a second copy never queues behind it.
    #[error("the connection failed as transaction {:?} (nonce {}) was sent, so it may land: {cause}", sent.hash, sent.nonce)]
    MaybeSent {
        sent: crate::submit::Sent,
        cause: String,
    },
}

/// Why a deployment, a market action or reading a deployment record failed.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error(transparent)]
    Node(#[from] NodeError),
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Address(#[from] AddressError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    File { path: PathBuf, source: std::io::Error },
    /// A deployment record or plan did not parse.
    #[error("{path}: {reason}")]
    Malformed { path: PathBuf, reason: String },
    /// A contract refused a step; `reason` is its error.
    #[error("{what}: refused with {reason}")]
    Refused { what: String, reason: String },
    /// The deploying account cannot pay for anything.
    #[error("the deployer {0} has no funds on this chain; fund it or pick another key")]
    Unfunded(String),
    /// A number given is out of range.
    #[error("{0}")]
    OutOfRange(String),
    /// Inventory never reached the rebalance trigger.
    #[error("inventory still in band after {swaps} swaps (q {q_pct:.2}%)")]
    StillInBand { swaps: u32, q_pct: f64 },
}

impl ClientError {
    /// A contract's refusal of `what`.
    pub fn refused(what: &str, reason: impl core::fmt::Debug) -> ClientError {
        ClientError::Refused {
            what: what.to_owned(),
            reason: format!("{reason:?}"),
        }
    }
}

impl NodeError {
    /// Whether trying again later may succeed without anything else changing.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            NodeError::Unreachable(_)
                | NodeError::Rpc(_)
                | NodeError::Timeout
                | NodeError::Dropped(_)
                | NodeError::MaybeSent { .. }
        )
    }

    /// Whether the connection to the node is lost: transport trouble, the next call reconnects.
    pub fn is_transport(&self) -> bool {
        matches!(self, NodeError::Rpc(_) | NodeError::MaybeSent { .. })
    }
}

/// Sorts a subxt error. Transport trouble is retryable; a refused transaction is not, and an
/// account that cannot pay fees says so plainly.
pub fn classify(e: subxt::Error) -> NodeError {
    use subxt::error::RpcError;
    match e {
        subxt::Error::Rpc(RpcError::ClientError(inner)) => client_error(inner.to_string()),
        subxt::Error::Rpc(other) => NodeError::Rpc(other.to_string()),
        subxt::Error::Io(e) => NodeError::Rpc(e.to_string()),
        subxt::Error::Runtime(d) => NodeError::Failed(d.to_string()),
        subxt::Error::Transaction(t) => NodeError::Dropped(t.to_string()),
        other => NodeError::Decode(other.to_string()),
    }
}

/// The transaction pool's code for a transaction it dropped at once, full (1016).
const POOL_FULL: i64 = 1016;

/// Sorts the text of an error the node answered: a full pool drops the transaction for now (tried
/// again later), its other refusals are final for the transaction as sent, and anything else is
/// transport trouble.
fn client_error(text: String) -> NodeError {
    if error_code(&text) == Some(POOL_FULL) {
        NodeError::Dropped(format!("the node's transaction pool is full: {text}"))
    } else if text.contains("Invalid Transaction") || pool_refusal(&text) {
        if text.contains("Inability to pay") {
            NodeError::Invalid("the signing account cannot pay the transaction fee (is it funded?)".into())
        } else {
            NodeError::Invalid(text)
        }
    } else {
        NodeError::Rpc(text)
    }
}

/// Whether an RPC error's text carries one of the transaction pool's refusal codes (1010 invalid
/// .. 1016 immediately dropped: temporarily banned, already imported, priority too low, ...): the
/// node answered, and the transaction will not enter the pool as sent. Only the error's code is
/// read (`ServerError(1014)`, `"code":1014`, `code: 1014`, or a leading `1014:`), never a number
/// in its message (a block number, a hash's digits).
fn pool_refusal(text: &str) -> bool {
    error_code(text).is_some_and(|code| (1010..=1016).contains(&code))
}

/// The JSON-RPC error code an error's text states, in the forms jsonrpsee and nodes print.
fn error_code(text: &str) -> Option<i64> {
    let marked = ["ServerError(", "\"code\":", "code: "]
        .iter()
        .find_map(|marker| text.find(marker).map(|i| &text[i + marker.len()..]))
        .and_then(leading_number)
        .map(|(n, _)| n);
    marked.or_else(|| {
        leading_number(text)
            .filter(|(_, rest)| rest.starts_with(':'))
            .map(|(n, _)| n)
    })
}

/// The integer `text` starts with (after spaces), and the text after it.
fn leading_number(text: &str) -> Option<(i64, &str)> {
    let text = text.trim_start();
    let end = text
        .char_indices()
        .find(|&(i, c)| !(c.is_ascii_digit() || (i == 0 && c == '-')))
        .map_or(text.len(), |(i, _)| i);
    let (digits, rest) = text.split_at(end);
    digits.parse().ok().map(|n| (n, rest))
}

#[cfg(test)]
mod tests {
    use super::{causes, client_error, pool_refusal, ClientError, NodeError};
    use std::io::{Error, ErrorKind};

    /// An error that does not show its source.
    #[derive(Debug, thiserror::Error)]
    #[error("reading the record")]
    struct Reading(#[source] Error);

    #[test]
    fn a_failure_shows_each_cause_once() {
        // An error that shows its source in its own message: the source is not repeated.
        let missing = ClientError::File {
            path: "/srv/keel/deployment.json".into(),
            source: Error::from(ErrorKind::NotFound),
        };
        let io = Error::from(ErrorKind::NotFound).to_string();
        assert_eq!(causes(&missing), format!("/srv/keel/deployment.json: {io}"));
        // One that does not: its source follows after a colon.
        let wrapped = Error::new(ErrorKind::Other, missing);
        assert_eq!(causes(&wrapped), format!("/srv/keel/deployment.json: {io}"));
        let quiet = Reading(Error::from(ErrorKind::TimedOut));
        let timed_out = Error::from(ErrorKind::TimedOut).to_string();
        assert_eq!(causes(&quiet), format!("reading the record: {timed_out}"));
        // A cause whose text the error's merely ends with, not after a colon, is its own.
        let record = Reading(Error::new(ErrorKind::Other, "record"));
        assert_eq!(causes(&record), "reading the record: record");
    }

    #[test]
    fn a_full_pool_drops_for_now_and_the_pools_other_refusals_are_final() {
        let full = client_error(
            "ErrorObject { code: ServerError(1016), message: \"Immediately Dropped\", data: Some(\"Transaction couldn't enter the pool because of the limit\") }".into(),
        );
        assert!(
            matches!(&full, NodeError::Dropped(m) if m.contains("pool is full")),
            "{full:?}"
        );
        assert!(full.is_retryable());
        let low = client_error(
            "ErrorObject { code: ServerError(1014), message: \"Priority is too low: (0 vs 0)\", data: None }"
                .into(),
        );
        assert!(matches!(low, NodeError::Invalid(_)), "{low:?}");
        let broke = client_error("connection reset by peer (os error 104)".into());
        assert!(matches!(broke, NodeError::Rpc(_)), "{broke:?}");
        let poor = client_error("1010: Invalid Transaction: Inability to pay some fees".into());
        assert!(
            matches!(&poor, NodeError::Invalid(m) if m.contains("cannot pay")),
            "{poor:?}"
        );
    }

    #[test]
    fn the_pools_refusal_codes_are_told_from_other_rpc_errors() {
        for refused in [
            "ErrorObject { code: ServerError(1014), message: \"Priority is too low: (0 vs 0)\", data: None }",
            "{\"code\":1013,\"message\":\"Transaction Already Imported\"}",
            "1010: Invalid Transaction",
        ] {
            assert!(pool_refusal(refused), "{refused}");
        }
        for other in [
            "connection reset by peer (os error 104)",
            "ErrorObject { code: ServerError(-32000), message: \"block 1012 not found\", data: None }",
            "state at 0xab1013cd not available",
            "1012 requests in flight",
            "ErrorObject { code: ServerError(-32000), message: \"Client error: block 10140 not found\", data: None }",
            "request timed out after 30 s",
        ] {
            assert!(!pool_refusal(other), "{other}");
        }
    }
}
