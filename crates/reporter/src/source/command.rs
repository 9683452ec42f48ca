//! A program whose output is a price.

use super::{observed_at, time_ms, Observation, Source, SourceError, MAX_OUTPUT};
use crate::price::parse_price;
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

/// A program whose standard output is a price, or a price and the Unix time it describes
/// (seconds or milliseconds), separated by whitespace; run each round
/// with `PATH` as its only environment, and killed with everything it started when it outlives
/// its timeout.
pub struct Command {
    name: String,
    program: String,
    args: Vec<String>,
    timeout: Duration,
}

impl Command {
    pub fn new(name: &str, program: &str, args: &[String], timeout: Duration) -> Command {
        Command {
            name: name.to_owned(),
            program: program.to_owned(),
            args: args.to_vec(),
            timeout,
        }
    }

    fn failed(&self, message: &dyn std::fmt::Display) -> SourceError {
        SourceError::Command {
            program: self.program.clone(),
            message: message.to_string(),
        }
    }
}

impl Source for Command {
    fn name(&self) -> &str {
        &self.name
    }

    fn fetch(&mut self, now_ms: u64) -> Result<Observation, SourceError> {
        // Its own process group, so a timeout kills whatever it started; an environment of
        // PATH alone, so the reporter's secrets (the signer's variable) never reach it.
        let mut child = Process::new(&self.program)
            .args(&self.args)
            .env_clear()
            .envs(std::env::var_os("PATH").map(|p| ("PATH", p)))
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| self.failed(&e))?;
        // Output is read on a thread of its own, so a command that writes more than a pipe holds
        // neither blocks itself nor, when something it started keeps the pipe open, the round.
        let (tx, rx) = std::sync::mpsc::channel();
        if let Some(stdout) = child.stdout.take() {
            std::thread::spawn(move || {
                let mut out = Vec::new();
                let read = stdout.take(MAX_OUTPUT + 1).read_to_end(&mut out);
                let _ = tx.send(read.map(|_| out));
            });
        }
        let deadline = Instant::now() + self.timeout;
        let timed_out = |child: &mut std::process::Child| {
            kill_group(child);
            SourceError::Timeout(u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX))
        };
        let status = loop {
            if let Some(status) = child.try_wait().map_err(|e| self.failed(&e))? {
                break status;
            }
            if Instant::now() >= deadline {
                return Err(timed_out(&mut child));
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let out = match rx.recv_timeout(deadline.saturating_duration_since(Instant::now())) {
            Ok(read) => read.map_err(|e| self.failed(&e))?,
            Err(_) => return Err(timed_out(&mut child)),
        };
        if !status.success() {
            return Err(self.failed(&format!("exited with {status}")));
        }
        if out.len() > usize::try_from(MAX_OUTPUT).unwrap_or(usize::MAX) {
            return Err(self.failed(&format!("more than {MAX_OUTPUT} bytes of output")));
        }
        let text = String::from_utf8(out).map_err(|_| self.failed(&"output is not UTF-8"))?;
        let mut fields = text.split_whitespace();
        let price = parse_price(fields.next().unwrap_or_default())?;
        let reported = fields.next().map(parse_price).transpose()?.map(time_ms);
        if fields.next().is_some() {
            return Err(self.failed(&"expected `price` or `price timestamp`"));
        }
        Ok(Observation {
            price,
            observed_ms: observed_at(reported, now_ms),
        })
    }
}

/// Kills `child`'s process group (everything it started), and reaps it.
fn kill_group(child: &mut std::process::Child) {
    if let Ok(pid) = i32::try_from(child.id()) {
        // SAFETY: kill(2) takes plain integers; a negative pid names the process group the
        // child leads (it was spawned with `process_group(0)`).
        unsafe {
            libc::kill(-pid, libc::SIGKILL);
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

    #[test]
    fn a_command_is_read_and_its_failures_and_stalls_named() {
        let sh = |script: &str, timeout_ms| {
            let mut c = Command::new(
                "cmd",
                "sh",
                &["-c".to_owned(), script.to_owned()],
                Duration::from_millis(timeout_ms),
            );
            c.fetch(42)
        };
        let ok = sh("echo ' 12.5'", 5_000).expect("price");
        assert_eq!((ok.price, ok.observed_ms), (12 * ONE + ONE / 2, 42));
        let stamped = sh("echo 12.5 0.03", 5_000).expect("price and time");
        assert_eq!((stamped.price, stamped.observed_ms), (12 * ONE + ONE / 2, 30));
        assert!(matches!(
            sh("echo 12.5 0.03 extra", 5_000),
            Err(SourceError::Command { .. })
        ));
        assert!(matches!(sh("exit 3", 5_000), Err(SourceError::Command { .. })));
        assert!(matches!(sh("echo soon", 5_000), Err(SourceError::Price(_))));
        let started = Instant::now();
        assert!(matches!(
            sh("sleep 5; echo 1", 200),
            Err(SourceError::Timeout(200))
        ));
        assert!(
            started.elapsed() < Duration::from_secs(4),
            "the stalled command was killed"
        );
        // Something it started keeps the pipe open: the round still ends at the timeout.
        let started = Instant::now();
        assert!(matches!(
            sh("sleep 5 & echo 1", 300),
            Err(SourceError::Timeout(300))
        ));
        assert!(started.elapsed() < Duration::from_secs(4));
        // More output than a pipe holds is refused, not waited on.
        assert!(matches!(
            sh("head -c 200000 /dev/zero", 5_000),
            Err(SourceError::Command { .. })
        ));
        // The reporter's environment stays with the reporter.
        std::env::set_var("KEEL_TEST_SECRET", "5");
        assert!(matches!(sh("echo ${KEEL_TEST_SECRET:-7}", 5_000), Ok(o) if o.price == 7 * ONE));
        let mut missing = Command::new("cmd", "/nonexistent/keel-price", &[], Duration::from_secs(1));
        assert!(matches!(missing.fetch(0), Err(SourceError::Command { .. })));
    }
}
