//! A connection to a Substrate contracts node: reads by dry-run through `ContractsApi_call`,
//! chain head and storage, and reconnection with backoff when the node goes away. Signing and
//! submission live in [`crate::submit`].
//!
//! The API is blocking (a current-thread tokio runtime inside): the keeper's executor and the
//! command-line tools are sequential, and their decision logic stays free of async.

use crate::api::{self, CallArgs, DryRun, ExecReturn, RawDispatchError};
use crate::error::{classify, NodeError};
use crate::events::{emitted, runtime_account};
use crate::keys::ChainType;
use crate::watches::Watches;
use ink::primitives::AccountId;
use keel_calls::events::Emitted;
use keel_calls::Message;
use parity_scale_codec::{Decode, Encode};
use std::future::Future;
use std::time::{Duration, Instant};
use subxt::backend::legacy::LegacyRpcMethods;
use subxt::backend::rpc::RpcClient;
use subxt::config::Header as _;
use subxt::dynamic::{At, Value};
use subxt::utils::{AccountId32, H256};
use subxt::{OnlineClient, PolkadotConfig};

pub type RuntimeConfig = PolkadotConfig;
pub type Api = OnlineClient<RuntimeConfig>;
pub(crate) type Progress = subxt::tx::TxProgress<RuntimeConfig, Api>;

/// First and longest pause between reconnection attempts.
const RECONNECT_FIRST: Duration = Duration::from_millis(250);
const RECONNECT_MAX: Duration = Duration::from_secs(4);

pub(crate) struct Conn {
    pub api: Api,
    pub rpc: LegacyRpcMethods<RuntimeConfig>,
    /// For the methods the legacy set does not type (`system_chainType`).
    pub raw: RpcClient,
}

/// The best block as a caller sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BestBlock {
    pub number: u64,
    pub hash: H256,
    /// The block's timestamp (ms), as contracts see it in `block_timestamp`.
    pub time_ms: u64,
}

/// A node at `url`, reconnected on demand.
pub struct Node {
    url: String,
    /// `url` as logs and errors show it (`endpoint::shown`).
    shown: String,
    /// How long one operation keeps trying to (re)connect before giving up.
    pub patience: Duration,
    pub(crate) rt: tokio::runtime::Runtime,
    pub(crate) conn: Option<Conn>,
    /// Transactions submitted and not yet seen in a block, by hash.
    pub(crate) pending: Watches<Progress>,
    /// The connection broke and has not been made again yet.
    lost: bool,
    /// Connections made again after a loss, over this value's life.
    reconnects: u64,
}

impl Node {
    /// Connects to `url` (`ws://` only for loopback hosts, `wss://` otherwise), retrying with
    /// backoff for up to `patience`.
    ///
    /// # Errors
    /// [`NodeError::InsecureUrl`] at once for any other URL; [`NodeError::Unreachable`] when no
    /// connection was made in time.
    pub fn connect(url: &str, patience: Duration) -> Result<Node, NodeError> {
        if !crate::endpoint::secure_node_url(url) {
            return Err(NodeError::InsecureUrl(crate::endpoint::shown(url)));
        }
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| NodeError::Rpc(format!("cannot start the async runtime: {e}")))?;
        let mut node = Node {
            url: url.to_owned(),
            shown: crate::endpoint::shown(url),
            patience,
            rt,
            conn: None,
            pending: Watches::default(),
            lost: false,
            reconnects: 0,
        };
        node.ensure()?;
        Ok(node)
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The URL without credentials, path or query (`endpoint::shown`): what logs, errors and the
    /// deployment record, which the web app publishes, may hold.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// How many times the connection was made again after the node went away.
    pub fn reconnects(&self) -> u64 {
        self.reconnects
    }

    /// Connects if not connected, with backoff for up to `patience`.
    pub(crate) fn ensure(&mut self) -> Result<&Conn, NodeError> {
        if self.conn.is_none() {
            let started = Instant::now();
            let mut pause = RECONNECT_FIRST;
            let conn = loop {
                match self.rt.block_on(open(&self.url)) {
                    Ok(conn) => break conn,
                    Err(e) if started.elapsed() + pause > self.patience => {
                        return Err(NodeError::Unreachable(format!(
                            "{}: {e} (is the node running? scripts/node.sh start)",
                            self.shown
                        )))
                    }
                    Err(e) => {
                        tracing::debug!(url = %self.shown, error = %e, "connecting; retrying");
                        std::thread::sleep(pause);
                        pause = (pause * 2).min(RECONNECT_MAX);
                    }
                }
            };
            if self.lost {
                tracing::info!(url = %self.shown, after = ?started.elapsed(), "reconnected");
                self.lost = false;
                self.reconnects = self.reconnects.saturating_add(1);
            } else {
                tracing::debug!(url = %self.shown, "connected");
            }
            // Watches of transactions sent over the old connection are gone with it.
            self.pending.clear();
            self.conn = Some(conn);
        }
        self.conn
            .as_ref()
            .ok_or_else(|| NodeError::Unreachable(self.shown.clone()))
    }

    /// Runs `f` on the connection; a transport failure drops the connection so the next
    /// operation reconnects.
    pub(crate) fn with<T, F, Fut>(&mut self, f: F) -> Result<T, NodeError>
    where
        F: FnOnce(Api, LegacyRpcMethods<RuntimeConfig>) -> Fut,
        Fut: Future<Output = Result<T, NodeError>>,
    {
        let conn = self.ensure()?;
        let (api, rpc) = (conn.api.clone(), conn.rpc.clone());
        let result = self.rt.block_on(f(api, rpc));
        if let Some(e) = result.as_ref().err().filter(|e| e.is_transport()) {
            tracing::warn!(url = %self.shown, error = %e, "connection lost; reconnecting on the next call");
            self.conn = None;
            self.lost = true;
        }
        result
    }

    /// The chain's genesis hash: tells one dev chain from the next.
    ///
    /// # Errors
    /// Transport failures.
    pub fn genesis_hash(&mut self) -> Result<H256, NodeError> {
        self.with(|api, _| async move { Ok(api.genesis_hash()) })
    }

    /// What the chain's spec says it is: whether the public dev keys may sign on it.
    ///
    /// # Errors
    /// Transport failures, or an answer that is not a chain type.
    pub fn chain_type(&mut self) -> Result<ChainType, NodeError> {
        let raw = self.ensure()?.raw.clone();
        self.with(|_, _| async move {
            raw.request("system_chainType", subxt::backend::rpc::rpc_params![])
                .await
                .map_err(classify)
        })
    }

    /// Whether the node may not know the chain's head (`system_health`): it says it is syncing,
    /// or it should have peers and has none (a node started again reads as not syncing until it
    /// meets one). A dev node, which should have none, knows its head.
    ///
    /// # Errors
    /// Transport failures, or an answer that is not a health report.
    pub fn is_syncing(&mut self) -> Result<bool, NodeError> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Health {
            is_syncing: bool,
            peers: u64,
            should_have_peers: bool,
        }
        let raw = self.ensure()?.raw.clone();
        self.with(|_, _| async move {
            raw.request::<Health>("system_health", subxt::backend::rpc::rpc_params![])
                .await
                .map(|h| h.is_syncing || (h.should_have_peers && h.peers == 0))
                .map_err(classify)
        })
    }

    /// The code hash of the contract at `address`, or `None` when no contract lives there.
    ///
    /// # Errors
    /// Transport failures, or contract info without a code hash.
    pub fn code_hash(&mut self, address: AccountId) -> Result<Option<H256>, NodeError> {
        let Some(info) = self.fetch_storage("Contracts", "ContractInfoOf", runtime_account(&address).0)?
        else {
            return Ok(None);
        };
        let value = info.to_value().map_err(|e| NodeError::Decode(e.to_string()))?;
        let mut bytes = Vec::with_capacity(32);
        value
            .at("code_hash")
            .is_some_and(|h| flat_bytes(h, &mut bytes))
            .then_some(())
            .filter(|()| bytes.len() == 32)
            .ok_or_else(|| NodeError::Decode("Contracts::ContractInfoOf has no 32-byte code_hash".into()))?;
        Ok(Some(H256::from_slice(&bytes)))
    }

    /// The chain's block time in ms as it runs (measured over recent blocks, `crate::era`),
    /// `None` when it cannot be known: what the era of a call with a deadline is sized by.
    ///
    /// # Errors
    /// Transport failures.
    pub fn block_ms(&mut self) -> Result<Option<u64>, NodeError> {
        self.with(|api, rpc| async move {
            let best = best_header(&rpc).await?;
            Ok(crate::era::block_ms(&api, &rpc, &best).await)
        })
    }

    /// How many blocks the transaction `tx` included in `block` was valid for, as it was signed
    /// (its mortal era's period); `None` for an immortal one. Lets an operator (and the node
    /// tests) see that a call with a deadline went out with the era `crate::era` sized for it.
    ///
    /// # Errors
    /// Transport failures; [`NodeError::Decode`] when `block` does not hold `tx`.
    pub fn included_era(&mut self, block: H256, tx: H256) -> Result<Option<u64>, NodeError> {
        self.with(|api, _| async move { crate::era::included_era(&api, block, tx).await })
    }

    /// The time a deadline counts from: the later of the best block's time and the wall clock
    /// (a dev chain seals blocks only on demand, so its head can be old), in ms.
    ///
    /// # Errors
    /// Transport failures.
    pub fn deadline_base_ms(&mut self) -> Result<u64, NodeError> {
        let wall_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
        Ok(self.best_block()?.time_ms.max(wall_ms))
    }

    /// The best block.
    ///
    /// # Errors
    /// Transport failures.
    pub fn best_block(&mut self) -> Result<BestBlock, NodeError> {
        self.with(|api, rpc| async move {
            let header = best_header(&rpc).await?;
            let hash = header.hash();
            let now = api
                .storage()
                .at(hash)
                .fetch(&subxt::dynamic::storage("Timestamp", "Now", ()))
                .await
                .map_err(classify)?
                .ok_or_else(|| NodeError::Decode("no Timestamp::Now".into()))?
                .as_type::<u64>()
                .map_err(|e| NodeError::Decode(e.to_string()))?;
            Ok(BestBlock {
                number: header.number.into(),
                hash,
                time_ms: now,
            })
        })
    }

    /// The best block's number, without its time (which a chain's genesis does not hold).
    ///
    /// # Errors
    /// Transport failures.
    pub fn best_number(&mut self) -> Result<u64, NodeError> {
        self.with(|_, rpc| async move { Ok(best_header(&rpc).await?.number.into()) })
    }

    /// Calls `ContractsApi_call` at `at` (default: the best block): what `data` sent from
    /// `origin` to `dest` would do now. Changes nothing.
    ///
    /// # Errors
    /// Transport failures, or an answer that is not a contract result.
    pub fn dry_call(
        &mut self,
        origin: &AccountId32,
        dest: AccountId,
        data: Vec<u8>,
        at: Option<H256>,
    ) -> Result<DryRun<ExecReturn>, NodeError> {
        let args = CallArgs {
            origin: origin.0,
            dest: runtime_account(&dest).0,
            value: 0,
            gas_limit: None,
            storage_deposit_limit: None,
            input_data: data,
        }
        .encode();
        let bytes = self.state_call("ContractsApi_call", args, at)?;
        api::decode_contract_result(&bytes, "ContractsApi_call").map_err(|e| NodeError::Decode(e.to_string()))
    }

    pub(crate) fn state_call(
        &mut self,
        method: &'static str,
        args: Vec<u8>,
        at: Option<H256>,
    ) -> Result<Vec<u8>, NodeError> {
        self.with(|_, rpc| async move { rpc.state_call(method, Some(&args), at).await.map_err(classify) })
    }

    /// `message`'s answer from `dest` now, decoded (a `Result` for messages that can refuse).
    /// A trap or a dispatch error is an error here.
    ///
    /// # Errors
    /// The call could not be made, trapped, or answered with another type.
    pub fn query<R: Decode>(
        &mut self,
        origin: &AccountId32,
        dest: AccountId,
        message: &Message<R>,
    ) -> Result<R, NodeError> {
        self.query_at(origin, dest, message, None)
    }

    /// [`Node::query`] on the state of block `at` (default: the best block).
    ///
    /// # Errors
    /// As [`Node::query`]; a block the node no longer keeps the state of.
    pub fn query_at<R: Decode>(
        &mut self,
        origin: &AccountId32,
        dest: AccountId,
        message: &Message<R>,
        at: Option<H256>,
    ) -> Result<R, NodeError> {
        let dry = self.dry_call(origin, dest, message.data().to_vec(), at)?;
        self.decode_answer(message, dry.result)
    }

    /// Decodes `message`'s answer from a dry-run's result.
    pub(crate) fn decode_answer<R: Decode>(
        &mut self,
        message: &Message<R>,
        result: Result<ExecReturn, RawDispatchError>,
    ) -> Result<R, NodeError> {
        let ret = match result {
            Ok(ret) => ret,
            Err(e) => return Err(NodeError::Failed(self.describe_dispatch_error(&e))),
        };
        message
            .decode(&ret.data)
            .map_err(|e| NodeError::Decode(e.to_string()))
    }

    /// A dispatch error in words (`Contracts::ContractTrapped`), read with the node's metadata.
    pub fn describe_dispatch_error(&mut self, e: &RawDispatchError) -> String {
        let bytes = e.0.clone();
        self.with(|api, _| async move {
            Ok(subxt::error::DispatchError::decode_from(bytes, api.metadata())
                .map_or_else(|_| "an undecodable dispatch error".into(), |d| d.to_string()))
        })
        .unwrap_or_else(|e| e.to_string())
    }

    /// The free native balance of `who` (pays fees and storage deposits).
    ///
    /// # Errors
    /// Transport failures.
    pub fn free_balance(&mut self, who: &AccountId32) -> Result<u128, NodeError> {
        let Some(account) = self.fetch_storage("System", "Account", who.0)? else {
            return Ok(0);
        };
        let value = account.to_value().map_err(|e| NodeError::Decode(e.to_string()))?;
        value
            .at("data")
            .at("free")
            .and_then(subxt::dynamic::Value::as_u128)
            .ok_or_else(|| NodeError::Decode("System::Account has no data.free".into()))
    }

    /// Whether a contract lives at `address`.
    ///
    /// # Errors
    /// Transport failures.
    pub fn contract_exists(&mut self, address: AccountId) -> Result<bool, NodeError> {
        Ok(self
            .fetch_storage("Contracts", "ContractInfoOf", runtime_account(&address).0)?
            .is_some())
    }

    /// The value of storage map `pallet::entry` at the 32-byte `key` in the best block, if any.
    pub(crate) fn fetch_storage(
        &mut self,
        pallet: &'static str,
        entry: &'static str,
        key: [u8; 32],
    ) -> Result<Option<subxt::dynamic::DecodedValueThunk>, NodeError> {
        self.with(|api, rpc| async move {
            // The best block, where dry-runs run and transactions are built: a finalized block
            // can lag a code change the next transaction would already meet.
            let best = rpc
                .chain_get_block_hash(None)
                .await
                .map_err(classify)?
                .ok_or_else(|| NodeError::Rpc("the node has no best block".into()))?;
            api.storage()
                .at(best)
                .fetch(&subxt::dynamic::storage(
                    pallet,
                    entry,
                    vec![Value::from_bytes(key)],
                ))
                .await
                .map_err(classify)
        })
    }

    /// What contracts emitted in block `number`, in order.
    ///
    /// # Errors
    /// Transport failures, or no such block.
    pub fn contract_events(&mut self, number: u64) -> Result<Vec<Emitted>, NodeError> {
        self.with(|api, rpc| async move {
            let hash = rpc
                .chain_get_block_hash(Some(number.into()))
                .await
                .map_err(classify)?
                .ok_or_else(|| NodeError::Decode(format!("no block {number}")))?;
            let events = api.events().at(hash).await.map_err(classify)?;
            emitted(events.iter())
        })
    }
}

/// The best block's header.
async fn best_header(
    rpc: &LegacyRpcMethods<RuntimeConfig>,
) -> Result<<RuntimeConfig as subxt::Config>::Header, NodeError> {
    rpc.chain_get_header(None)
        .await
        .map_err(classify)?
        .ok_or_else(|| NodeError::Rpc("the node has no best block".into()))
}

/// Appends the bytes of a dynamic value that is bytes at any depth of unnamed composites (a
/// hash type wrapping `[u8; 32]`); false if anything else is found.
fn flat_bytes<T>(value: &Value<T>, out: &mut Vec<u8>) -> bool {
    use subxt::ext::scale_value::{Composite, ValueDef};
    match &value.value {
        ValueDef::Composite(Composite::Unnamed(items)) => items.iter().all(|v| flat_bytes(v, out)),
        ValueDef::Primitive(_) => value
            .as_u128()
            .and_then(|b| u8::try_from(b).ok())
            .map(|b| out.push(b))
            .is_some(),
        _ => false,
    }
}

async fn open(url: &str) -> Result<Conn, subxt::Error> {
    let client = RpcClient::from_url(url).await?;
    let api = Api::from_rpc_client(client.clone()).await?;
    Ok(Conn {
        api,
        rpc: LegacyRpcMethods::new(client.clone()),
        raw: client,
    })
}
