//! Keel's core for the wallet dApp: the LP position's Greeks and the rebalancing band, computed in
//! the browser by the functions the keeper and the simulator call ([`MarketStatus::greeks`],
//! [`keel_core::RebalanceParams::band`]), so the page shows what they see and what the pool checks.
//!
//! The page talks to the module through plain Wasm exports and one shared buffer, with no
//! bindings generator: it writes the SCALE bytes of the pool's views, exactly as the chain returns
//! them, into the buffer at [`buffer`], calls [`greeks`] or [`band`] with their length, and reads
//! the answer from the start of the same buffer. [`answer`] holds the pure part, which the host's
//! tests call.

use core::cell::UnsafeCell;
use core::fmt::Write;

use keel_core::Greeks;
use parity_scale_codec::Encode;

pub mod answer;

pub use answer::{band_of, greeks_of, Failure};

/// Bytes the buffer holds: the three views' encodings are about 400 bytes.
pub const BUFFER_LEN: usize = 2048;

/// The buffer the page writes inputs into and reads answers from. Only [`greeks`] and [`band`]
/// touch it, and their callers promise not to call them concurrently (their `# Safety`).
struct Buffer(UnsafeCell<[u8; BUFFER_LEN]>);

// SAFETY: the buffer is only read and written inside `greeks` and `band`, which are `unsafe` to
// call: their callers guarantee one call at a time (a Wasm instance runs one call at a time).
unsafe impl Sync for Buffer {}

static BUFFER: Buffer = Buffer(UnsafeCell::new([0; BUFFER_LEN]));

/// Where the page writes its input and reads the answer.
#[no_mangle]
pub extern "C" fn buffer() -> *mut u8 {
    BUFFER.0.get().cast()
}

/// How many bytes the buffer holds ([`BUFFER_LEN`]).
#[no_mangle]
pub extern "C" fn buffer_len() -> u32 {
    u32::try_from(BUFFER_LEN).unwrap_or(u32::MAX)
}

/// The LP position's Greeks for the pool whose `curve_state`, `market_status` (its `Ok` value)
/// and `config` views' SCALE bytes lie back to back in the first `len` bytes of the buffer.
///
/// Returns the length of the SCALE-encoded [`Greeks`] now at the buffer's start, or minus the
/// length of the refusal's name written there instead ([`Failure`]'s `Display`).
///
/// # Safety
/// No other call of [`greeks`] or [`band`] may run at the same time, and nothing may hold a
/// reference into the buffer across the call (the page copies in before and out after).
#[no_mangle]
pub unsafe extern "C" fn greeks(len: u32) -> i32 {
    // SAFETY: the caller's promise above.
    unsafe { with_buffer(len, |input| greeks_of(input).map(|g: Greeks| g.encode_to_array())) }
}

/// The rebalancing band the pool checks now, from the same input as [`greeks`]; answers as it
/// does, with a SCALE-encoded [`keel_core::Band`].
///
/// # Safety
/// As [`greeks`].
#[no_mangle]
pub unsafe extern "C" fn band(len: u32) -> i32 {
    // SAFETY: the caller's promise, as for `greeks`.
    unsafe { with_buffer(len, |input| band_of(input).map(|b| b.encode_to_array())) }
}

/// A fixed-size encoding: every answer fits well within the buffer.
trait EncodeToArray: Encode {
    fn encode_to_array(&self) -> Encoded {
        let mut out = Encoded {
            bytes: [0; 128],
            len: 0,
            overflowed: false,
        };
        self.encode_to(&mut out);
        out
    }
}

impl<T: Encode> EncodeToArray for T {}

/// An answer's bytes (at most 128: `Greeks` is 81).
struct Encoded {
    bytes: [u8; 128],
    len: usize,
    overflowed: bool,
}

impl parity_scale_codec::Output for Encoded {
    fn write(&mut self, bytes: &[u8]) {
        let end = self.len.saturating_add(bytes.len());
        match self.bytes.get_mut(self.len..end) {
            Some(slot) => {
                slot.copy_from_slice(bytes);
                self.len = end;
            }
            None => self.overflowed = true,
        }
    }
}

/// Runs `f` on the first `len` bytes of the buffer and writes its answer (or its refusal's name)
/// back at the buffer's start.
///
/// # Safety
/// As [`greeks`]: the only live reference to the buffer during the call is the one made here.
unsafe fn with_buffer(len: u32, f: impl FnOnce(&[u8]) -> Result<Encoded, Failure>) -> i32 {
    // SAFETY: the caller's promise: nothing else reads or writes the buffer during this call.
    let buf = unsafe { &mut *BUFFER.0.get() };
    let input = usize::try_from(len).ok().and_then(|n| buf.get(..n));
    let answer = match input {
        None => Err(Failure::InputTooLong),
        Some(input) => f(input).and_then(|e| {
            if e.overflowed {
                Err(Failure::AnswerTooLong)
            } else {
                Ok(e)
            }
        }),
    };
    match answer {
        Ok(e) => {
            let n = e.len.min(buf.len());
            buf[..n].copy_from_slice(&e.bytes[..n]);
            i32::try_from(n).unwrap_or(i32::MAX)
        }
        Err(failure) => {
            let mut name = Name { buf, len: 0 };
            // A name longer than the buffer is cut short; the buffer is far longer than any.
            let _ = write!(name, "{failure}");
            i32::try_from(name.len).map_or(i32::MIN, |n| -n)
        }
    }
}

/// A refusal's name written into the buffer.
struct Name<'a> {
    buf: &'a mut [u8; BUFFER_LEN],
    len: usize,
}

impl Write for Name<'_> {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len.saturating_add(s.len());
        let slot = self.buf.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
