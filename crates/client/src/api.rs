//! The `ContractsApi` runtime API of pallet-contracts, as the node answers it: arguments encoded
//! and results decoded here, without the node's runtime types. Only the fields Keel reads are
//! decoded; the trailing `events` list (which dev nodes fill in) is left unread.

use parity_scale_codec::{Compact, Decode, Encode};

/// Weight as pallet-contracts takes and reports it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Encode, Decode)]
pub struct Weight {
    #[codec(compact)]
    pub ref_time: u64,
    #[codec(compact)]
    pub proof_size: u64,
}

impl Weight {
    /// This weight plus `pct` percent, rounded up: the limit sent with a call whose dry-run
    /// needed `self`.
    #[must_use]
    pub fn with_margin(self, pct: u64) -> Weight {
        let up = |v: u64| {
            let scaled = u128::from(v) * u128::from(100 + pct);
            u64::try_from(scaled.div_ceil(100)).unwrap_or(u64::MAX)
        };
        Weight {
            ref_time: up(self.ref_time),
            proof_size: up(self.proof_size),
        }
    }
}

/// What a call would charge (or refund) in storage deposit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Decode)]
pub enum StorageDeposit {
    Refund(u128),
    Charge(u128),
}

impl StorageDeposit {
    /// The deposit limit to send: the charge plus `pct` percent, or zero for a refund.
    pub fn limit_with_margin(self, pct: u128) -> u128 {
        match self {
            StorageDeposit::Refund(_) => 0,
            StorageDeposit::Charge(c) => c.saturating_mul(100 + pct).div_ceil(100),
        }
    }
}

/// `ContractsApi_call` arguments.
#[derive(Encode)]
pub struct CallArgs {
    pub origin: [u8; 32],
    pub dest: [u8; 32],
    pub value: u128,
    pub gas_limit: Option<Weight>,
    pub storage_deposit_limit: Option<u128>,
    pub input_data: Vec<u8>,
}

/// `Code` of `ContractsApi_instantiate`.
#[derive(Encode)]
// parity-scale-codec's derive casts the variant index to u8 (two variants here).
#[allow(clippy::cast_possible_truncation)]
pub enum Code {
    Upload(Vec<u8>),
    Existing([u8; 32]),
}

/// `ContractsApi_instantiate` arguments.
#[derive(Encode)]
pub struct InstantiateArgs {
    pub origin: [u8; 32],
    pub value: u128,
    pub gas_limit: Option<Weight>,
    pub storage_deposit_limit: Option<u128>,
    pub code: Code,
    pub data: Vec<u8>,
    pub salt: Vec<u8>,
}

/// `ContractsApi_upload_code` arguments (determinism `Enforced`).
#[derive(Encode)]
pub struct UploadArgs {
    pub origin: [u8; 32],
    pub code: Vec<u8>,
    pub storage_deposit_limit: Option<u128>,
    pub determinism: u8,
}

/// A message's answer: ink! sets `reverted` when the message returned an error (state rolled
/// back); `data` is the SCALE-encoded `Result<_, LangError>` either way.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct ExecReturn {
    pub flags: u32,
    pub data: Vec<u8>,
}

impl ExecReturn {
    pub fn reverted(&self) -> bool {
        self.flags & 1 == 1
    }
}

/// The runtime's dispatch error, kept as its raw SCALE bytes (decoded for people with the node's
/// metadata, see [`crate::node::Node::describe_dispatch_error`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawDispatchError(pub Vec<u8>);

/// A dry-run's outcome: what the call needs, and what it did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DryRun<T> {
    pub gas_consumed: Weight,
    pub gas_required: Weight,
    pub storage_deposit: StorageDeposit,
    pub debug_message: Vec<u8>,
    pub result: Result<T, RawDispatchError>,
}

/// A dry-run instantiation's result.
#[derive(Clone, Debug, PartialEq, Eq, Decode)]
pub struct DryInstantiated {
    pub result: ExecReturn,
    pub account_id: [u8; 32],
}

/// A dry-run upload's result.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Decode)]
pub struct Uploaded {
    pub code_hash: [u8; 32],
    pub deposit: u128,
}

/// A runtime API answer without the shape it should have.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ApiDecodeError {
    #[error("{what}: undecodable runtime API answer ({reason})")]
    Undecodable { what: String, reason: String },
    #[error("{what}: result discriminant {discriminant}")]
    Discriminant { what: String, discriminant: u8 },
}

fn decode_err(what: &str, e: &parity_scale_codec::Error) -> ApiDecodeError {
    ApiDecodeError::Undecodable {
        what: what.to_owned(),
        reason: e.to_string(),
    }
}

/// Decodes `Result<T, DispatchError>` where only `T` is typed: an error keeps the bytes that
/// follow its discriminant (the dispatch error and whatever trails it).
fn decode_result<T: Decode>(
    input: &mut &[u8],
    what: &str,
) -> Result<Result<T, RawDispatchError>, ApiDecodeError> {
    match u8::decode(input).map_err(|e| decode_err(what, &e))? {
        0 => Ok(Ok(T::decode(input).map_err(|e| decode_err(what, &e))?)),
        1 => Ok(Err(RawDispatchError(input.to_vec()))),
        other => Err(ApiDecodeError::Discriminant {
            what: what.to_owned(),
            discriminant: other,
        }),
    }
}

/// Decodes a `ContractResult` (the answer of `ContractsApi_call` or `_instantiate`).
///
/// # Errors
/// [`ApiDecodeError`]: the bytes do not have the shape of a contract result.
pub fn decode_contract_result<T: Decode>(bytes: &[u8], what: &str) -> Result<DryRun<T>, ApiDecodeError> {
    let input = &mut &bytes[..];
    let gas_consumed = Weight::decode(input).map_err(|e| decode_err(what, &e))?;
    let gas_required = Weight::decode(input).map_err(|e| decode_err(what, &e))?;
    let storage_deposit = StorageDeposit::decode(input).map_err(|e| decode_err(what, &e))?;
    let debug_message = Vec::<u8>::decode(input).map_err(|e| decode_err(what, &e))?;
    let result = decode_result(input, what)?;
    Ok(DryRun {
        gas_consumed,
        gas_required,
        storage_deposit,
        debug_message,
        result,
    })
}

/// Decodes the answer of `ContractsApi_upload_code`.
///
/// # Errors
/// As [`decode_contract_result`].
pub fn decode_upload_result(bytes: &[u8]) -> Result<Result<Uploaded, RawDispatchError>, ApiDecodeError> {
    decode_result(&mut &bytes[..], "upload_code")
}

/// `Compact<u128>` helper for call arguments that pallet-contracts takes compact.
pub fn compact(v: u128) -> Compact<u128> {
    Compact(v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call_result(result: Result<ExecReturn, Vec<u8>>, trailing_events: &[u8]) -> Vec<u8> {
        let mut out = Weight {
            ref_time: 7,
            proof_size: 8,
        }
        .encode();
        out.extend(
            Weight {
                ref_time: 1_000,
                proof_size: 2_000,
            }
            .encode(),
        );
        out.push(1); // StorageDeposit::Charge
        out.extend(5u128.encode());
        out.extend(b"dbg".to_vec().encode());
        match result {
            Ok(r) => {
                out.push(0);
                out.extend(r.flags.encode());
                out.extend(r.data.encode());
            }
            Err(e) => {
                out.push(1);
                out.extend(e);
            }
        }
        out.extend(trailing_events);
        out
    }

    #[test]
    fn a_call_result_decodes_with_events_left_unread() {
        let ret = ExecReturn {
            flags: 1,
            data: vec![0, 1, 2],
        };
        let bytes = call_result(Ok(ret.clone()), &[1, 4, 0xaa, 0xbb]);
        let dry = decode_contract_result::<ExecReturn>(&bytes, "call").expect("decodes");
        assert_eq!(
            dry.gas_required,
            Weight {
                ref_time: 1_000,
                proof_size: 2_000
            }
        );
        assert_eq!(dry.storage_deposit, StorageDeposit::Charge(5));
        assert_eq!(dry.debug_message, b"dbg");
        assert_eq!(dry.result, Ok(ret));
        assert!(dry.result.as_ref().is_ok_and(ExecReturn::reverted));
    }

    #[test]
    fn a_dispatch_error_keeps_its_bytes() {
        let bytes = call_result(Err(vec![3, 8, 0x1b, 0, 0, 0]), &[0]);
        let dry = decode_contract_result::<ExecReturn>(&bytes, "call").expect("decodes");
        assert_eq!(dry.result, Err(RawDispatchError(vec![3, 8, 0x1b, 0, 0, 0, 0])));
    }

    #[test]
    fn truncated_answers_are_errors_not_panics() {
        let bytes = call_result(
            Ok(ExecReturn {
                flags: 0,
                data: vec![9; 40],
            }),
            &[],
        );
        for cut in 0..bytes.len() - 1 {
            assert!(
                decode_contract_result::<ExecReturn>(&bytes[..cut], "call").is_err(),
                "cut {cut}"
            );
        }
    }

    #[test]
    fn margins_round_up_and_refunds_need_no_deposit() {
        let w = Weight {
            ref_time: 1_001,
            proof_size: 3,
        }
        .with_margin(20);
        assert_eq!(
            w,
            Weight {
                ref_time: 1_202,
                proof_size: 4
            }
        );
        assert_eq!(StorageDeposit::Charge(1_001).limit_with_margin(10), 1_102);
        assert_eq!(StorageDeposit::Refund(50).limit_with_margin(10), 0);
    }
}
