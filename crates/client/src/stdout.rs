//! A binary's answer on standard output. A reader that stops early (`keel-client show | head -1`)
//! closes the pipe; the binary then ends at once with success, as a Unix filter does, where
//! `println!` panics with a backtrace. Only for binaries: it may end the process.

use std::fmt;
use std::io::{self, Write};

/// The exit status for a failed write to standard output other than a closed pipe (`EX_IOERR`).
pub const EX_IOERR: i32 = 74;

/// Writes `args` and a newline to standard output, flushed. A closed pipe ends the process with
/// status 0; any other write error ends it with [`EX_IOERR`], said on standard error.
pub fn line(args: fmt::Arguments<'_>) {
    let mut out = io::stdout().lock();
    let written = out
        .write_fmt(args)
        .and_then(|()| out.write_all(b"\n"))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => {
            eprintln!("error: writing to standard output: {e}");
            std::process::exit(EX_IOERR);
        }
    }
}

/// `println!` for a binary's answer: through [`line`], so a closed pipe ends the process quietly.
#[macro_export]
macro_rules! outln {
    ($($arg:tt)*) => {
        $crate::stdout::line(format_args!($($arg)*))
    };
}
