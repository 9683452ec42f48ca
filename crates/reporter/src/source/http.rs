//! An HTTP(S) endpoint answering JSON.

use super::{json_observation, observed_at, Observation, Source, SourceError, MAX_OUTPUT};
use std::io::Read;
use std::time::{Duration, Instant};

/// An HTTP(S) endpoint answering JSON, read at a field path; redirects are not followed and a
/// body past [`MAX_OUTPUT`] is refused.
pub struct Http {
    name: String,
    url: String,
    path: String,
    time_path: Option<String>,
    timeout: Duration,
    agent: ureq::Agent,
}

impl Http {
    /// Reads `url` with a `timeout` for the whole request, taking the price at `path` and, with
    /// a `time_path`, the time the price describes (Unix seconds or milliseconds).
    pub fn new(name: &str, url: &str, path: &str, time_path: Option<&str>, timeout: Duration) -> Http {
        Http {
            name: name.to_owned(),
            url: url.to_owned(),
            path: path.to_owned(),
            time_path: time_path.map(str::to_owned),
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
            // Redirects are not followed, so a 3xx arrives here: only a 2xx carries a price.
            Ok(response) if !(200..300).contains(&response.status()) => {
                return Err(SourceError::Status(response.status()));
            }
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
            // The transport's own words without the URL, whose query may carry an API key.
            Err(ureq::Error::Transport(t)) => {
                return Err(failed(
                    t.message()
                        .map_or_else(|| t.kind().to_string(), |m| format!("{}: {m}", t.kind())),
                ))
            }
        };
        let (price, reported) = json_observation(&body, &self.path, self.time_path.as_deref())?;
        Ok(Observation {
            price,
            observed_ms: observed_at(reported, now_ms),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use keel_core::ONE;

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
            Some((200, r#"{"result": {"price": "10.25", "at": 0.005}}"#)),
            Some((503, "busy")),
            Some((302, r#"{"result": {"price": "99"}}"#)),
            Some((200, r#"{"result": {}}"#)),
            None,
        ]);
        let mut http = Http::new(
            "exchange",
            &url,
            "result.price",
            Some("result.at"),
            Duration::from_millis(500),
        );
        let ok = http.fetch(7).expect("price");
        assert_eq!(
            (ok.price, ok.observed_ms),
            (10 * ONE + ONE / 4, 5),
            "the endpoint's own time"
        );
        assert!(matches!(http.fetch(8), Err(SourceError::Status(503))));
        assert!(
            matches!(http.fetch(9), Err(SourceError::Status(302))),
            "a redirect's body is not a price"
        );
        assert!(matches!(http.fetch(9), Err(SourceError::Field(_))));
        let started = Instant::now();
        assert!(
            matches!(http.fetch(10), Err(SourceError::Timeout(500))),
            "a stalled server times out"
        );
        assert!(started.elapsed() < Duration::from_secs(3));
    }

    #[test]
    fn an_unreachable_endpoint_is_a_request_failure_that_keeps_the_url_out() {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        let url = format!("http://{}/?apikey=s3cret", listener.local_addr().expect("addr"));
        drop(listener);
        let mut http = Http::new("gone", &url, "price", None, Duration::from_secs(2));
        let e = http.fetch(0);
        assert!(matches!(&e, Err(SourceError::Http(_))), "{e:?}");
        let words = e.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            !words.contains("s3cret"),
            "the URL's query reached the error: {words}"
        );
    }
}
