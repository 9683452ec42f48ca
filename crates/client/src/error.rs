//! Why talking to a node failed, sorted by what the caller can do about it.

use core::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NodeError {
    /// No connection could be made (node down, wrong URL); retried with backoff first.
    Unreachable(String),
    /// The connection broke or a request failed in transport; the request may not have arrived.
    Rpc(String),
    /// No answer in time; a submitted transaction may still land.
    Timeout,
    /// The transaction left the pool without being included.
    Dropped(String),
    /// The node refused the transaction (bad nonce, signature, or an account that cannot pay).
    Invalid(String),
    /// The transaction was included but failed (e.g. `Contracts::ContractReverted`).
    Failed(String),
    /// A contract answered with something other than what was expected.
    Decode(String),
}

impl NodeError {
    /// Whether trying again later may succeed without anything else changing.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            NodeError::Unreachable(_) | NodeError::Rpc(_) | NodeError::Timeout | NodeError::Dropped(_)
        )
    }
}

impl fmt::Display for NodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NodeError::Unreachable(e) => write!(f, "node unreachable: {e}"),
            NodeError::Rpc(e) => write!(f, "rpc error: {e}"),
            NodeError::Timeout => write!(f, "timed out"),
            NodeError::Dropped(e) => write!(f, "transaction dropped: {e}"),
            NodeError::Invalid(e) => write!(f, "transaction refused by the node: {e}"),
            NodeError::Failed(e) => write!(f, "transaction failed: {e}"),
            NodeError::Decode(e) => write!(f, "unexpected answer: {e}"),
        }
    }
}

impl std::error::Error for NodeError {}

/// Sorts a subxt error. Transport trouble is retryable; a refused transaction is not, and an
/// account that cannot pay fees says so plainly.
pub fn classify(e: subxt::Error) -> NodeError {
    use subxt::error::RpcError;
    match e {
        subxt::Error::Rpc(RpcError::ClientError(inner)) => {
            let text = inner.to_string();
            if text.contains("Invalid Transaction") || text.contains("1010") {
                if text.contains("Inability to pay") {
                    NodeError::Invalid(
                        "the signing account cannot pay the transaction fee (is it funded?)".into(),
                    )
                } else {
                    NodeError::Invalid(text)
                }
            } else {
                NodeError::Rpc(text)
            }
        }
        subxt::Error::Rpc(other) => NodeError::Rpc(other.to_string()),
        subxt::Error::Io(e) => NodeError::Rpc(e.to_string()),
        subxt::Error::Runtime(d) => NodeError::Failed(d.to_string()),
        subxt::Error::Transaction(t) => NodeError::Dropped(t.to_string()),
        other => NodeError::Decode(other.to_string()),
    }
}
