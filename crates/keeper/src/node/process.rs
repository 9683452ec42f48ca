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

/// Success, or the error with its whole context on stderr and a failure status.
pub fn exit(result: anyhow::Result<()>) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
