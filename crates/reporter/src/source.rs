//! Where prices come from: an HTTP(S) JSON endpoint, a command, or a CSV file replayed against the
//! clock. Each answers with an [`Observation`]: the price and when it was observed, stamped at the
//! moment the reporter asked (never later than the source could have seen it, so the age the pool
//! prices with is never understated).

use crate::price::{parse_price, PriceError};
use std::io::Read;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::time::{Duration, Instant};

/// A price and the time it describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Observation {
    /// Quote per base, 1e18.
    pub price: u128,
    /// When the price was observed (ms since the Unix epoch).
    pub observed_ms: u64,
}

/// Why a source gave no price.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("request failed: {0}")]
    Http(String),
    #[error("HTTP status {0}")]
    Status(u16),
    #[error("the body is not JSON: {0}")]
    Json(String),
    #[error("no value at {0:?}")]
    Field(String),
    #[error("the value at {path:?} is neither a number nor a string: {found}")]
    NotScalar { path: String, found: String },
    #[error("{0}")]
    Price(#[from] PriceError),
    #[error("{program}: {message}")]
    Command { program: String, message: String },
    #[error("no answer within {0} ms")]
    Timeout(u64),
    #[error("{path}: {message}")]
    Csv { path: PathBuf, message: String },
    #[error("the replay has no row before {0} ms into it")]
    NotYet(u64),
}

/// A source of prices, asked once per round.
pub trait Source {
    /// The operator's name for it (logs and metrics).
    fn name(&self) -> &str;

    /// The price now; `now_ms` is the round's clock (ms since the Unix epoch).
    ///
    /// # Errors
    /// [`SourceError`], saying what failed; the round goes on without this source.
    fn fetch(&mut self, now_ms: u64) -> Result<Observation, SourceError>;
}

/// The value at `path` in a JSON `body`: a JSON pointer (`/data/0/price`) or dotted keys
/// (`data.0.price`), a number or a numeric string, as a 1e18 price.
///
/// # Errors
/// [`SourceError::Json`], [`SourceError::Field`], [`SourceError::NotScalar`] or the price's
/// [`PriceError`].
pub fn json_price(body: &str, path: &str) -> Result<u128, SourceError> {
    let value: serde_json::Value =
        serde_json::from_str(body).map_err(|e| SourceError::Json(e.to_string()))?;
    let pointer = if path.starts_with('/') || path.is_empty() {
        path.to_owned()
    } else {
        path.split('.').fold(String::new(), |p, key| p + "/" + key)
    };
    match value.pointer(&pointer) {
        // A JSON number's shortest text is the decimal the source wrote for up to 15 digits.
        Some(serde_json::Value::Number(n)) => Ok(parse_price(&n.to_string())?),
        Some(serde_json::Value::String(s)) => Ok(parse_price(s)?),
        Some(other) => Err(SourceError::NotScalar {
            path: path.to_owned(),
            found: other.to_string().chars().take(80).collect(),
        }),
        None => Err(SourceError::Field(path.to_owned())),
    }
}

/// An HTTP(S) endpoint answering JSON, read at a field path; redirects are not followed and a
/// body past [`MAX_OUTPUT`] is refused.
pub struct Http {
    name: String,
    url: String,
    path: String,
    timeout: Duration,
    agent: ureq::Agent,
}

impl Http {
    /// Reads `url` with a `timeout` for the whole request, taking the price at `path`.
    pub fn new(name: &str, url: &str, path: &str, timeout: Duration) -> Http {
        Http {
            name: name.to_owned(),
            url: url.to_owned(),
            path: path.to_owned(),
            timeout,
            agent: ureq::AgentBuilder::new().timeout(timeout).redirects(0).build(),
        }
    }
}

impl Source for Http {
    fn name(&self) -> &str {
        &self.name
    }

    fn fetch(&mut self, now_ms: u64) -> Result<Observation, SourceError> {
        let started = Instant::now();
        let failed = |message: String| {
            if started.elapsed() >= self.timeout {
                SourceError::Timeout(u64::try_from(self.timeout.as_millis()).unwrap_or(u64::MAX))
            } else {
                SourceError::Http(message)
            }
        };
        let body = match self.agent.get(&self.url).call() {
            Ok(response) => {
                let mut body = String::new();
                response
                    .into_reader()
                    .take(MAX_OUTPUT + 1)
                    .read_to_string(&mut body)
                    .map_err(|e| failed(e.to_string()))?;
                if body.len() > usize::try_from(MAX_OUTPUT).unwrap_or(usize::MAX) {
                    return Err(SourceError::Http(format!(
                        "a body of more than {MAX_OUTPUT} bytes"
                    )));
                }
                body
            }
            Err(ureq::Error::Status(code, _)) => return Err(SourceError::Status(code)),
            Err(e) => return Err(failed(e.to_string())),
        };
        Ok(Observation {
            price: json_price(&body, &self.path)?,
            observed_ms: now_ms,
        })
    }
}

/// The most output a command or an HTTP body may have (bytes): a price needs a few dozen.
pub const MAX_OUTPUT: u64 = 65_536;

/// A program whose standard output is a price (surrounding whitespace ignored), run each round
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
        Ok(Observation {
            price: parse_price(&text)?,
            observed_ms: now_ms,
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

/// Rows of a replay: seconds from its start and the price then, in order.
///
/// # Errors
/// A message naming the line that is not `seconds,price` (a first line that is not is taken as
/// a header; lines starting with `#` are comments), or whose time goes backwards.
pub fn parse_replay(text: &str) -> Result<Vec<(u64, u128)>, String> {
    let mut rows: Vec<(u64, u128)> = Vec::new();
    let mut first = true;
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let header_allowed = std::mem::replace(&mut first, false);
        let parsed = line.split_once(',').and_then(|(t, p)| {
            // Seconds parse as a price would, zero included.
            let seconds = match parse_price(t) {
                Ok(units) => units,
                Err(PriceError::NotPositive(_)) if !t.trim().starts_with('-') => 0,
                Err(_) => return None,
            };
            Some((seconds / (keel_core::ONE / 1_000), parse_price(p).ok()?))
        });
        let Some((ms, price)) = parsed else {
            if header_allowed {
                continue;
            }
            return Err(format!(
                "line {}: expected `seconds,price`, found {line:?}",
                i + 1
            ));
        };
        let ms = u64::try_from(ms).map_err(|_| format!("line {}: time out of range", i + 1))?;
        if rows.last().is_some_and(|&(last, _)| ms < last) {
            return Err(format!("line {}: time goes backwards", i + 1));
        }
        rows.push((ms, price));
    }
    if rows.is_empty() {
        return Err("no rows".to_owned());
    }
    Ok(rows)
}

/// A CSV file of `seconds,price` rows replayed against the clock from the first round: at each
/// round the latest row whose time has come, observed now (a row's price holds until the next
/// row). Past the last row the file says nothing more: the last row keeps its own time and ages,
/// so the round drops the source as stale, as it would a feed that stopped.
pub struct Replay {
    name: String,
    rows: Vec<(u64, u128)>,
    start_ms: Option<u64>,
}

impl Replay {
    /// # Errors
    /// [`SourceError::Csv`] when the file cannot be read or a row is malformed.
    pub fn open(name: &str, path: &Path) -> Result<Replay, SourceError> {
        let csv = |message: String| SourceError::Csv {
            path: path.to_owned(),
            message,
        };
        let text = std::fs::read_to_string(path).map_err(|e| csv(e.to_string()))?;
        Ok(Replay::new(name, parse_replay(&text).map_err(csv)?))
    }

    pub fn new(name: &str, rows: Vec<(u64, u128)>) -> Replay {
        Replay {
            name: name.to_owned(),
            rows,
            start_ms: None,
        }
    }
}

impl Source for Replay {
    fn name(&self) -> &str {
        &self.name
    }

    fn fetch(&mut self, now_ms: u64) -> Result<Observation, SourceError> {
        let start = *self.start_ms.get_or_insert(now_ms);
        let into = now_ms.saturating_sub(start);
        let &(at, price) = self
            .rows
            .iter()
            .rev()
            .find(|&&(at, _)| at <= into)
            .ok_or(SourceError::NotYet(into))?;
        let ended = self.rows.last().is_some_and(|&(last, _)| into > last);
        Ok(Observation {
            price,
            observed_ms: if ended { start.saturating_add(at) } else { now_ms },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

    #[test]
    fn a_json_field_is_found_by_pointer_or_dotted_path_as_number_or_string() {
        let body = r#"{"data": [{"price": 64123.45}, {"price": "0.25"}], "ok": true, "n": null}"#;
        let expected = 64_123 * ONE + ONE / 100 * 45;
        assert_eq!(json_price(body, "/data/0/price").ok(), Some(expected));
        assert_eq!(json_price(body, "data.0.price").ok(), Some(expected));
        assert_eq!(json_price(body, "data.1.price").ok(), Some(ONE / 4));
        assert!(matches!(
            json_price(body, "data.2.price"),
            Err(SourceError::Field(_))
        ));
        assert!(matches!(
            json_price(body, "ok"),
            Err(SourceError::NotScalar { .. })
        ));
        assert!(matches!(
            json_price(body, "n"),
            Err(SourceError::NotScalar { .. })
        ));
        assert!(matches!(
            json_price(body, "data"),
            Err(SourceError::NotScalar { .. })
        ));
        assert!(matches!(json_price("<html>", "price"), Err(SourceError::Json(_))));
        assert!(matches!(
            json_price(r#"{"price": -3}"#, "price"),
            Err(SourceError::Price(PriceError::NotPositive(_)))
        ));
    }

    #[test]
    fn a_replay_takes_a_header_comments_and_fractional_seconds() {
        let rows = parse_replay("# recorded 2026-12-01\nt,price\n# warm-up\n0.0,10\n1.5,10.5\n\n60,9.75\n")
            .expect("parse");
        assert_eq!(
            rows,
            vec![
                (0, 10 * ONE),
                (1_500, 10 * ONE + ONE / 2),
                (60_000, 9 * ONE + ONE / 4 * 3)
            ]
        );
    }

    #[test]
    fn a_malformed_replay_names_its_line() {
        assert_eq!(
            parse_replay("0,10\nx,11").err().as_deref(),
            Some("line 2: expected `seconds,price`, found \"x,11\"")
        );
        assert_eq!(
            parse_replay("5,10\n4,11").err().as_deref(),
            Some("line 2: time goes backwards")
        );
        assert!(parse_replay("0,10\n-1,11").is_err());
        assert_eq!(parse_replay("# only a comment").err().as_deref(), Some("no rows"));
    }

    #[test]
    fn a_replay_follows_the_clock_from_its_first_round_and_then_ages() {
        let mut replay = Replay::new("csv", vec![(1_000, ONE), (3_000, 2 * ONE)]);
        let t0 = 1_700_000_000_000;
        assert!(matches!(replay.fetch(t0), Err(SourceError::NotYet(0))));
        let seen = |r: &mut Replay, t| r.fetch(t).map(|o| (o.price, o.observed_ms)).ok();
        assert_eq!(seen(&mut replay, t0 + 1_000), Some((ONE, t0 + 1_000)));
        assert_eq!(seen(&mut replay, t0 + 2_999), Some((ONE, t0 + 2_999)));
        assert_eq!(seen(&mut replay, t0 + 3_000), Some((2 * ONE, t0 + 3_000)));
        // Past its end the file ages from its last row.
        assert_eq!(seen(&mut replay, t0 + 90_000), Some((2 * ONE, t0 + 3_000)));
    }

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

    /// A local HTTP server answering each connection with the next of `replies` (`None`: accept
    /// and never answer), on a thread of its own.
    fn serve(replies: Vec<Option<(u16, &'static str)>>) -> String {
        use std::io::{BufRead, BufReader, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/price", listener.local_addr().expect("addr"));
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for (reply, stream) in replies.into_iter().zip(listener.incoming()) {
                let mut stream = stream.expect("accept");
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                match reply {
                    Some((status, body)) => {
                        let head = format!("HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                        stream
                            .write_all(head.as_bytes())
                            .and_then(|()| stream.write_all(body.as_bytes()))
                            .expect("reply");
                    }
                    None => held.push(stream),
                }
            }
            std::thread::sleep(Duration::from_secs(5));
        });
        url
    }

    #[test]
    fn an_http_source_reads_its_field_and_names_each_failure() {
        let url = serve(vec![
            Some((200, r#"{"result": {"price": "10.25"}}"#)),
            Some((503, "busy")),
            Some((200, r#"{"result": {}}"#)),
            None,
        ]);
        let mut http = Http::new("exchange", &url, "result.price", Duration::from_millis(500));
        let ok = http.fetch(7).expect("price");
        assert_eq!((ok.price, ok.observed_ms), (10 * ONE + ONE / 4, 7));
        assert!(matches!(http.fetch(8), Err(SourceError::Status(503))));
        assert!(matches!(http.fetch(9), Err(SourceError::Field(_))));
        let started = Instant::now();
        assert!(
            matches!(http.fetch(10), Err(SourceError::Timeout(500))),
            "a stalled server times out"
        );
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn an_unreachable_endpoint_is_a_request_failure() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/", listener.local_addr().expect("addr"));
        drop(listener);
        let mut http = Http::new("gone", &url, "price", Duration::from_secs(2));
        assert!(matches!(http.fetch(0), Err(SourceError::Http(_))));
    }
}
