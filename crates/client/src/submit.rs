//! Signed `Contracts` transactions: limits from a dry-run plus a margin, a nonce from the chain,
//! an optional tip, a mortal era, then a watch until the transaction is in a block (or
//! finalized, if asked).
//!
//! Nonces are read from the node for every transaction (`system_accountNextIndex`, which counts
//! the transactions waiting in its pool), never cached: a transaction that is dropped or refused
//! leaves no gap for the next one to wait behind. A sender that wants to replace a stuck
//! transaction (a higher tip for the same nonce) names its nonce; it is used only while that
//! transaction can still be replaced. Every transaction is mortal (`crate::era`), so one that is
//! never included stops being valid instead of landing at any later time.

use crate::api::{self, Code, ExecReturn, InstantiateArgs, StorageDeposit, UploadArgs, Weight};
use crate::era::{block_ms, era_blocks};
use crate::error::{classify, NodeError};
use crate::events::{emitted, ink_account, runtime_account, ContractInstantiated};
use crate::node::{Node, RuntimeConfig};
use ink::primitives::AccountId;
use keel_calls::constructors::Constructor;
use keel_calls::events::Emitted;
use keel_calls::Message;
use parity_scale_codec::{Decode, Encode};
use std::time::Duration;
use subxt::config::{DefaultExtrinsicParamsBuilder, Header as _};
use subxt::ext::scale_encode;
use subxt::tx::{DefaultPayload, TxStatus};
use subxt::utils::{AccountId32, MultiAddress, H256};
use subxt_signer::sr25519::Keypair;

/// Extra gas and storage deposit over what the dry-run needed, in percent: state can move a
/// little between the dry-run and the block.
pub const DEFAULT_MARGIN_PCT: u64 = 20;

/// A transaction the node accepted into its pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sent {
    pub hash: H256,
    pub nonce: u64,
    /// The node's fee quote for it (`TransactionPaymentApi`), tip excluded.
    pub fee: u128,
}

/// What a sender allows one transaction, checked before it leaves.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SendLimits {
    /// The most fee (tip excluded) the node may quote; above it nothing is sent.
    pub max_fee: Option<u128>,
    /// Replace the transaction sent with this nonce, if it is still waiting in the pool.
    pub replace: Option<u64>,
    /// How long the transaction may still land (ms): its era is as many blocks as fit in this
    /// at the chain's block time (`crate::era`), so a call that carries a deadline does not
    /// stay valid long past it, to land and revert for a fee. `None`:
    /// [`crate::era::MORTAL_BLOCKS`].
    pub valid_for_ms: Option<u64>,
}

/// What a failure to hand `sent` to the node says about it: transport trouble may have come
/// after the node took it (so it may land), while the node's refusals say it never entered the
/// pool.
fn maybe_sent(failure: NodeError, sent: Sent) -> NodeError {
    match failure {
        NodeError::Rpc(cause) => NodeError::MaybeSent { sent, cause },
        other => other,
    }
}

/// `account`'s nonce in the state of block `at` (transactions in the pool not counted).
async fn best_nonce(
    api: &subxt::OnlineClient<RuntimeConfig>,
    account: &AccountId32,
    at: H256,
) -> Result<u64, NodeError> {
    let bytes = api
        .backend()
        .call("AccountNonceApi_account_nonce", Some(&account.encode()), at)
        .await
        .map_err(classify)?;
    let cursor = &mut &bytes[..];
    let nonce = match bytes.len() {
        4 => u32::decode(cursor).map(u64::from),
        8 => u64::decode(cursor),
        n => return Err(NodeError::Decode(format!("an account nonce of {n} bytes"))),
    };
    nonce.map_err(|e| NodeError::Decode(e.to_string()))
}

/// How a transaction is sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SendOptions {
    /// Percent added to the dry-run's gas and storage deposit.
    pub margin_pct: u64,
    /// Tip to the block author, in the chain's smallest native unit.
    pub tip: u128,
    /// Wait for finality instead of inclusion in a best block.
    pub finalized: bool,
    /// How long to wait for the transaction to be included before reporting a timeout.
    pub timeout: Duration,
    /// How long the transaction may still land (ms), for a call with a deadline
    /// ([`SendLimits::valid_for_ms`]); `None`: [`crate::era::MORTAL_BLOCKS`].
    pub valid_for_ms: Option<u64>,
}

impl Default for SendOptions {
    fn default() -> Self {
        SendOptions {
            margin_pct: DEFAULT_MARGIN_PCT,
            tip: 0,
            finalized: false,
            timeout: Duration::from_secs(60),
            valid_for_ms: None,
        }
    }
}

/// A transaction in a block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InBlock {
    pub number: u64,
    pub hash: H256,
    /// `None` when it succeeded; otherwise the dispatch error, in words.
    pub failure: Option<String>,
    /// What contracts emitted during this transaction.
    pub events: Vec<Emitted>,
    /// Contracts this transaction instantiated.
    pub instantiated: Vec<AccountId>,
}

#[derive(scale_encode::EncodeAsType)]
#[encode_as_type(crate_path = "subxt::ext::scale_encode")]
struct CallTx {
    dest: MultiAddress<AccountId32, ()>,
    value: u128,
    gas_limit: WeightArg,
    storage_deposit_limit: Option<u128>,
    data: Vec<u8>,
}

#[derive(scale_encode::EncodeAsType)]
#[encode_as_type(crate_path = "subxt::ext::scale_encode")]
struct WeightArg {
    ref_time: u64,
    proof_size: u64,
}

impl From<Weight> for WeightArg {
    fn from(w: Weight) -> Self {
        WeightArg {
            ref_time: w.ref_time,
            proof_size: w.proof_size,
        }
    }
}

#[derive(scale_encode::EncodeAsType)]
#[encode_as_type(crate_path = "subxt::ext::scale_encode")]
struct UploadTx {
    code: Vec<u8>,
    storage_deposit_limit: Option<u128>,
    determinism: Determinism,
}

#[derive(scale_encode::EncodeAsType)]
#[encode_as_type(crate_path = "subxt::ext::scale_encode")]
enum Determinism {
    Enforced,
}

#[derive(scale_encode::EncodeAsType)]
#[encode_as_type(crate_path = "subxt::ext::scale_encode")]
struct InstantiateTx {
    value: u128,
    gas_limit: WeightArg,
    storage_deposit_limit: Option<u128>,
    code_hash: H256,
    data: Vec<u8>,
    salt: Vec<u8>,
}

impl Node {
    /// Signs and sends `Contracts::call(dest, data)` with the given limits; returns its hash to
    /// wait on with [`Node::wait`].
    ///
    /// # Errors
    /// Transport failures, or the node refused the transaction (e.g. the account cannot pay).
    pub fn send_call(
        &mut self,
        signer: &Keypair,
        dest: AccountId,
        data: Vec<u8>,
        gas_limit: Weight,
        deposit_limit: u128,
        tip: u128,
    ) -> Result<H256, NodeError> {
        let sent = self.send_call_within(
            signer,
            dest,
            data,
            (gas_limit, deposit_limit),
            tip,
            SendLimits::default(),
        )?;
        Ok(sent.hash)
    }

    /// [`Node::send_call`] within `limits`: the fee is quoted on the signed transaction and
    /// checked before it is sent; a named nonce replaces a transaction still in the pool.
    ///
    /// # Errors
    /// [`NodeError::FeeAbove`] (nothing sent), transport failures, or the node refused the
    /// transaction.
    pub fn send_call_within(
        &mut self,
        signer: &Keypair,
        dest: AccountId,
        data: Vec<u8>,
        (gas_limit, deposit_limit): (Weight, u128),
        tip: u128,
        limits: SendLimits,
    ) -> Result<Sent, NodeError> {
        let call = CallTx {
            dest: MultiAddress::Id(runtime_account(&dest)),
            value: 0,
            gas_limit: gas_limit.into(),
            storage_deposit_limit: Some(deposit_limit),
            data,
        };
        self.send(
            signer,
            DefaultPayload::new("Contracts", "call", call),
            tip,
            limits,
        )
    }

    fn send<P: subxt::tx::Payload>(
        &mut self,
        signer: &Keypair,
        payload: P,
        tip: u128,
        limits: SendLimits,
    ) -> Result<Sent, NodeError> {
        let (signer, account) = (signer.clone(), crate::keys::account(signer));
        let (progress, sent, signed_at) = self.with(|api, rpc| async move {
            let next = rpc.system_account_next_index(&account).await.map_err(classify)?;
            // The best block, not the finalized one subxt would pick: a nonce used in a best block
            // is not replaceable, and an era from a lagging finalized block may be over already.
            let best = rpc
                .chain_get_header(None)
                .await
                .map_err(classify)?
                .ok_or_else(|| NodeError::Rpc("the node has no best block".into()))?;
            let nonce = match limits.replace {
                Some(n) if n < next && n >= best_nonce(&api, &account, best.hash()).await? => n,
                _ => next,
            };
            // The block time is read (three requests) only for a call that asks for a lifetime.
            let block = match limits.valid_for_ms {
                Some(_) => block_ms(&api, &rpc, &best).await,
                None => None,
            };
            let era = era_blocks(limits.valid_for_ms, block);
            let params = DefaultExtrinsicParamsBuilder::<RuntimeConfig>::new()
                .nonce(nonce)
                .tip(tip)
                .mortal(&best, era)
                .build();
            let tx = api
                .tx()
                .create_signed(&payload, &signer, params)
                .await
                .map_err(classify)?;
            let fee = tx.partial_fee_estimate().await.map_err(classify)?;
            if let Some(max) = limits.max_fee.filter(|max| fee > *max) {
                return Err(NodeError::FeeAbove { fee, max });
            }
            let sent = Sent {
                hash: tx.hash(),
                nonce,
                fee,
            };
            let progress = tx
                .submit_and_watch()
                .await
                .map_err(|e| maybe_sent(classify(e), sent))?;
            Ok((progress, sent, (u64::from(best.number), era)))
        })?;
        self.pending.sent(sent.hash, progress, signed_at);
        Ok(sent)
    }

    /// Sends `payload` with `opts`' tip and no further limits, and waits for its block.
    fn send_and_wait<P: subxt::tx::Payload>(
        &mut self,
        signer: &Keypair,
        payload: P,
        opts: &SendOptions,
    ) -> Result<InBlock, NodeError> {
        let limits = SendLimits {
            valid_for_ms: opts.valid_for_ms,
            ..SendLimits::default()
        };
        let sent = self.send(signer, payload, opts.tip, limits)?;
        self.wait(sent.hash, opts.finalized, opts.timeout)
    }

    /// Waits until transaction `hash` is in a best block (or finalized, if `finalized`), at
    /// most `timeout`; after a timeout the transaction is still watched (until its mortal era is
    /// over), so waiting again is safe and sends nothing.
    ///
    /// # Errors
    /// [`NodeError::Timeout`] (still pending), [`NodeError::Dropped`] or
    /// [`NodeError::Invalid`] (it will not land), transport failures (unknown: the watch is
    /// lost with the connection; the caller re-reads the chain before resending).
    pub fn wait(&mut self, hash: H256, finalized: bool, timeout: Duration) -> Result<InBlock, NodeError> {
        let mut watch = self.pending.take(&hash).ok_or_else(|| {
            NodeError::Rpc("no watch for this transaction (connection lost, or its era over?)".into())
        })?;
        let progress = &mut watch.progress;
        let deadline = tokio::time::Instant::now() + timeout;
        let outcome = self.rt.block_on(async {
            loop {
                let next = tokio::time::timeout_at(deadline, progress.next()).await;
                let status = match next {
                    Err(_) => return Err(NodeError::Timeout),
                    Ok(None) => return Err(NodeError::Rpc("transaction watch ended".into())),
                    Ok(Some(Err(e))) => return Err(classify(e)),
                    Ok(Some(Ok(status))) => status,
                };
                let block = match status {
                    TxStatus::InBestBlock(b) if !finalized => b,
                    TxStatus::InFinalizedBlock(b) => b,
                    TxStatus::Dropped { message } => return Err(NodeError::Dropped(message)),
                    TxStatus::Invalid { message } => return Err(NodeError::Invalid(message)),
                    TxStatus::Error { message } => return Err(NodeError::Rpc(message)),
                    _ => continue,
                };
                let events = block.fetch_events().await.map_err(classify)?;
                let failure = match block.wait_for_success().await {
                    Ok(_) => None,
                    Err(subxt::Error::Runtime(d)) => Some(d.to_string()),
                    Err(e) => return Err(classify(e)),
                };
                let emitted = emitted(events.iter())?;
                let mut instantiated = Vec::new();
                for e in events.find::<ContractInstantiated>() {
                    let e = e.map_err(|e| NodeError::Decode(e.to_string()))?;
                    instantiated.push(ink_account(&e.contract));
                }
                return Ok((block.block_hash(), failure, emitted, instantiated));
            }
        });
        let (block_hash, failure, events, instantiated) = match outcome {
            Ok(found) => found,
            Err(NodeError::Timeout) => {
                self.pending.put_back(hash, watch);
                return Err(NodeError::Timeout);
            }
            Err(e) => return Err(e),
        };
        let header = self
            .with(|_, rpc| async move { rpc.chain_get_header(Some(block_hash)).await.map_err(classify) })?;
        // Unknown right after the node named it: the block was retracted. Not a block number to
        // record, so the caller re-reads; told after `with`, as the connection is sound.
        let number = header.map(|h| u64::from(h.number)).ok_or_else(|| {
            NodeError::Rpc(format!(
                "the node no longer knows block {block_hash:?}, which the transaction was in"
            ))
        })?;
        Ok(InBlock {
            number,
            hash: block_hash,
            failure,
            events,
            instantiated,
        })
    }

    /// Dry-runs `message`, and sends it only if the contract accepts it: a refusal (`Ok(Err(..))`
    /// for `Result` messages) comes back without anything being signed.
    ///
    /// # Errors
    /// Transport, dispatch and inclusion failures; a transaction that failed in its block.
    pub fn exec<R: Decode>(
        &mut self,
        signer: &Keypair,
        dest: AccountId,
        message: &Message<R>,
        opts: &SendOptions,
    ) -> Result<(R, Option<InBlock>), NodeError> {
        let origin = crate::keys::account(signer);
        let dry = self.dry_call(&origin, dest, message.data().to_vec(), None)?;
        let (gas, deposit) = (dry.gas_required, dry.storage_deposit);
        let reverted = dry.result.as_ref().is_ok_and(ExecReturn::reverted);
        let answer = self.decode_answer(message, dry.result)?;
        if reverted {
            return Ok((answer, None));
        }
        let hash = self.send_call(
            signer,
            dest,
            message.data().to_vec(),
            gas.with_margin(opts.margin_pct),
            deposit.limit_with_margin(u128::from(opts.margin_pct)),
            opts.tip,
        )?;
        let block = self.wait(hash, opts.finalized, opts.timeout)?;
        if let Some(failure) = &block.failure {
            return Err(NodeError::Failed(failure.clone()));
        }
        Ok((answer, Some(block)))
    }

    /// Uploads `wasm` unless the chain already has it; returns its code hash.
    ///
    /// # Errors
    /// The node refused the code, or transport failures.
    pub fn upload(&mut self, signer: &Keypair, wasm: &[u8], opts: &SendOptions) -> Result<H256, NodeError> {
        let args = UploadArgs {
            origin: crate::keys::account(signer).0,
            code: wasm.to_vec(),
            storage_deposit_limit: None,
            determinism: 0,
        };
        let bytes = self.state_call("ContractsApi_upload_code", args.encode(), None)?;
        let uploaded = api::decode_upload_result(&bytes)
            .map_err(|e| NodeError::Decode(e.to_string()))?
            .map_err(|e| NodeError::Failed(format!("upload_code: {}", self.describe_dispatch_error(&e))))?;
        let code_hash = H256(uploaded.code_hash);
        if uploaded.deposit == 0 && self.code_exists(code_hash)? {
            return Ok(code_hash);
        }
        let tx = UploadTx {
            code: wasm.to_vec(),
            storage_deposit_limit: Some(
                StorageDeposit::Charge(uploaded.deposit).limit_with_margin(u128::from(opts.margin_pct)),
            ),
            determinism: Determinism::Enforced,
        };
        let block = self.send_and_wait(signer, DefaultPayload::new("Contracts", "upload_code", tx), opts)?;
        match block.failure {
            Some(f) => Err(NodeError::Failed(format!("upload_code: {f}"))),
            None => Ok(code_hash),
        }
    }

    fn code_exists(&mut self, code_hash: H256) -> Result<bool, NodeError> {
        Ok(self
            .fetch_storage("Contracts", "CodeInfoOf", code_hash.0)?
            .is_some())
    }

    /// Instantiates uploaded code with `constructor` and `salt`; a constructor's refusal is
    /// decoded as its `E`.
    ///
    /// # Errors
    /// The constructor trapped or refused (with its error in words), or transport failures.
    pub fn instantiate<E: Decode + std::fmt::Debug>(
        &mut self,
        signer: &Keypair,
        code_hash: H256,
        constructor: &Constructor<E>,
        salt: Vec<u8>,
        opts: &SendOptions,
    ) -> Result<AccountId, NodeError> {
        let data = constructor.data().to_vec();
        let args = InstantiateArgs {
            origin: crate::keys::account(signer).0,
            value: 0,
            gas_limit: None,
            storage_deposit_limit: None,
            code: Code::Existing(code_hash.0),
            data: data.clone(),
            salt: salt.clone(),
        };
        let bytes = self.state_call("ContractsApi_instantiate", args.encode(), None)?;
        let dry = api::decode_contract_result::<api::DryInstantiated>(&bytes, "ContractsApi_instantiate")
            .map_err(|e| NodeError::Decode(e.to_string()))?;
        let done = match dry.result {
            Ok(done) => done,
            Err(e) => {
                return Err(NodeError::Failed(format!(
                    "instantiate: {}",
                    self.describe_dispatch_error(&e)
                )))
            }
        };
        if done.result.reverted() {
            // A refused constructor answers `Result<Result<(), E>, LangError>`.
            let refusal =
                <Result<Result<(), E>, ink::primitives::LangError>>::decode(&mut &done.result.data[..]);
            return Err(NodeError::Failed(match refusal {
                Ok(Ok(Err(e))) => format!("the constructor refused: {e:?}"),
                _ => format!(
                    "the constructor refused (answer 0x{})",
                    hex::encode(&done.result.data)
                ),
            }));
        }
        let tx = InstantiateTx {
            value: 0,
            gas_limit: dry.gas_required.with_margin(opts.margin_pct).into(),
            storage_deposit_limit: Some(dry.storage_deposit.limit_with_margin(u128::from(opts.margin_pct))),
            code_hash,
            data,
            salt,
        };
        let block = self.send_and_wait(signer, DefaultPayload::new("Contracts", "instantiate", tx), opts)?;
        if let Some(f) = block.failure {
            return Err(NodeError::Failed(format!("instantiate: {f}")));
        }
        let address = AccountId::from(done.account_id);
        if !block.instantiated.contains(&address) {
            return Err(NodeError::Decode(
                "the instantiation landed somewhere other than its dry-run said".into(),
            ));
        }
        Ok(address)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_transaction_lost_with_the_connection_may_have_been_sent_and_a_refused_one_was_not() {
        let sent = Sent {
            hash: H256([7; 32]),
            nonce: 3,
            fee: 10,
        };
        let lost = maybe_sent(NodeError::Rpc("connection reset by peer".into()), sent);
        assert!(
            matches!(&lost, NodeError::MaybeSent { sent: s, .. } if *s == sent),
            "{lost:?}"
        );
        assert!(lost.is_retryable() && lost.is_transport());
        for refused in [
            NodeError::Invalid("Priority is too low".into()),
            NodeError::Dropped("usurped".into()),
        ] {
            assert!(!matches!(maybe_sent(refused, sent), NodeError::MaybeSent { .. }));
        }
    }
}
