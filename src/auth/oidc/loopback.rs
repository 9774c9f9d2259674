//! The loopback redirect of native apps (RFC 8252 §7.3): listens on 127.0.0.1 on a free port,
//! takes the provider's redirect to the configured path, checks `state`, answers the browser a
//! short French page, and hands back the code (or the provider's refusal).
//!
//! Connections are served one at a time; each must send its request head (at most 8 KiB)
//! within a few seconds. Other paths (favicon…) get a 404 and waiting goes on.

use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use super::error::{OidcError, safe_code};
use super::wait::until_cancelled;

/// Largest request head read.
const MAX_REQUEST_BYTES: usize = 8 * 1024;
/// Time a connection has to send its request head.
const READ_TIMEOUT: Duration = Duration::from_secs(3);

const PAGE_OK: &str = "Connexion réussie, vous pouvez revenir à Chevet.";
const PAGE_DENIED: &str = "Connexion refusée. Vous pouvez revenir à Chevet.";
const PAGE_ERROR: &str = "La connexion n’a pas abouti. Vous pouvez revenir à Chevet et réessayer.";
const PAGE_STATE: &str = "Cette réponse ne correspond pas à la connexion demandée par Chevet. Revenez à Chevet et réessayez.";

/// A listener for one browser login.
#[derive(Debug)]
pub struct LoopbackListener {
    listener: TcpListener,
    path: String,
    port: u16,
}

/// What one connection brought.
enum Outcome {
    Code(String),
    Failed(OidcError),
    Ignored,
}

impl LoopbackListener {
    /// Listens on 127.0.0.1, any free port, for requests to `path` (e.g. "/callback").
    pub async fn bind(path: &str) -> Result<Self, OidcError> {
        if !path.starts_with('/') || path.contains(['?', '#', ' ']) {
            return Err(OidcError::Loopback("the redirect path must start with /"));
        }
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(|_| OidcError::Loopback("cannot listen on 127.0.0.1"))?;
        let port = listener
            .local_addr()
            .map_err(|_| OidcError::Loopback("no local address"))?
            .port();
        Ok(Self {
            listener,
            path: path.to_owned(),
            port,
        })
    }

    /// The redirect URI to put in the authorization request.
    pub fn redirect_uri(&self) -> String {
        format!("http://127.0.0.1:{}{}", self.port, self.path)
    }

    /// Waits for the redirect carrying `expected_state`; returns its code. Ends with
    /// `Cancelled`, `Expired` (timeout), `State` (wrong state), `Denied` (`access_denied`) or
    /// another provider error.
    pub async fn wait_for_code(
        self,
        expected_state: &str,
        cancel: &AtomicBool,
        timeout: Duration,
    ) -> Result<String, OidcError> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(OidcError::Expired);
            }
            let accepted =
                until_cancelled(tokio::time::timeout(left, self.listener.accept()), cancel).await;
            let stream = match accepted {
                None => return Err(OidcError::Cancelled),
                Some(Err(_)) => return Err(OidcError::Expired),
                Some(Ok(Err(_))) => continue,
                Some(Ok(Ok((stream, _)))) => stream,
            };
            match self.serve(stream, expected_state).await {
                Outcome::Code(code) => return Ok(code),
                Outcome::Failed(e) => return Err(e),
                Outcome::Ignored => {}
            }
        }
    }

    async fn serve(&self, mut stream: TcpStream, expected_state: &str) -> Outcome {
        let head = match tokio::time::timeout(READ_TIMEOUT, read_head(&mut stream)).await {
            Ok(Ok(head)) => head,
            Ok(Err(HeadError::TooLarge)) => {
                respond(&mut stream, 431, "Requête trop grande.").await;
                return Outcome::Ignored;
            }
            _ => return Outcome::Ignored,
        };
        let outcome = self.judge(&head, expected_state);
        let (status, text) = match &outcome {
            Outcome::Code(_) => (200, PAGE_OK),
            Outcome::Failed(OidcError::Denied) => (200, PAGE_DENIED),
            Outcome::Failed(OidcError::State) => (400, PAGE_STATE),
            Outcome::Failed(_) => (200, PAGE_ERROR),
            Outcome::Ignored => (404, "Introuvable."),
        };
        respond(&mut stream, status, text).await;
        outcome
    }

    /// Reads the request line: method, path, then the query's code, state or error.
    fn judge(&self, head: &str, expected_state: &str) -> Outcome {
        let mut parts = head.lines().next().unwrap_or_default().split(' ');
        let (Some(method), Some(target)) = (parts.next(), parts.next()) else {
            return Outcome::Ignored;
        };
        if method != "GET" {
            return Outcome::Ignored;
        }
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if path != self.path {
            return Outcome::Ignored;
        }
        let mut code = None;
        let mut state = None;
        let mut error = None;
        for (key, value) in url::form_urlencoded::parse(query.as_bytes()) {
            match key.as_ref() {
                "code" => code = Some(value.into_owned()),
                "state" => state = Some(value.into_owned()),
                "error" => error = Some(value.into_owned()),
                _ => {}
            }
        }
        if code.is_none() && error.is_none() {
            return Outcome::Ignored;
        }
        if state.as_deref() != Some(expected_state) {
            tracing::warn!("loopback redirect with a wrong state refused");
            return Outcome::Failed(OidcError::State);
        }
        match (error, code) {
            (Some(e), _) if e == "access_denied" => Outcome::Failed(OidcError::Denied),
            (Some(e), _) => Outcome::Failed(OidcError::from_oauth_code(&safe_code(&e))),
            (None, Some(code)) if !code.is_empty() && code.len() <= 4096 => Outcome::Code(code),
            (None, _) => Outcome::Failed(OidcError::Malformed("unusable authorization code")),
        }
    }
}

enum HeadError {
    TooLarge,
    Io,
}

async fn read_head(stream: &mut TcpStream) -> Result<String, HeadError> {
    let mut buffer = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    loop {
        let n = stream.read(&mut chunk).await.map_err(|_| HeadError::Io)?;
        if n == 0 {
            return Err(HeadError::Io);
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            buffer.truncate(end);
            return String::from_utf8(buffer).map_err(|_| HeadError::Io);
        }
        if buffer.len() > MAX_REQUEST_BYTES {
            return Err(HeadError::TooLarge);
        }
    }
}

async fn respond(stream: &mut TcpStream, status: u16, text: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Request Header Fields Too Large",
    };
    let body = format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Chevet</title></head>\
         <body style=\"font-family:sans-serif;margin:3em\"><p>{text}</p></body></html>"
    );
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = tokio::time::timeout(READ_TIMEOUT, async {
        let _ = stream.write_all(response.as_bytes()).await;
        let _ = stream.shutdown().await;
    })
    .await;
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    }

    async fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        s.write_all(format!("GET {target} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .expect("write");
        let mut out = String::new();
        let _ = s.read_to_string(&mut out).await;
        out
    }

    fn run(targets: Vec<String>) -> (Result<String, OidcError>, Vec<String>) {
        runtime().block_on(async {
            let listener = LoopbackListener::bind("/callback").await.expect("bind");
            let uri = listener.redirect_uri();
            assert!(uri.starts_with("http://127.0.0.1:") && uri.ends_with("/callback"));
            let port = listener.port;
            let cancel = AtomicBool::new(false);
            let client = tokio::spawn(async move {
                let mut pages = Vec::new();
                for t in targets {
                    pages.push(get(port, &t).await);
                }
                pages
            });
            let result = listener
                .wait_for_code("st", &cancel, Duration::from_secs(5))
                .await;
            (result, client.await.expect("client"))
        })
    }

    #[test]
    fn ignores_other_paths_then_takes_the_code() {
        let (result, pages) = run(vec![
            "/favicon.ico".into(),
            "/callback".into(),
            "/callback?code=abc%2F1&state=st&iss=x".into(),
        ]);
        assert_eq!(result, Ok("abc/1".into()));
        assert!(pages[0].starts_with("HTTP/1.1 404"));
        assert!(pages[2].starts_with("HTTP/1.1 200"));
        assert!(pages[2].contains("Connexion réussie"));
    }

    #[test]
    fn wrong_state_and_denial() {
        let (result, pages) = run(vec!["/callback?code=abc&state=other".into()]);
        assert_eq!(result, Err(OidcError::State));
        assert!(pages[0].starts_with("HTTP/1.1 400"));
        let (result, _) = run(vec!["/callback?error=access_denied&state=st".into()]);
        assert_eq!(result, Err(OidcError::Denied));
        let (result, _) = run(vec!["/callback?error=login_required&state=st".into()]);
        assert_eq!(result, Err(OidcError::Oauth("login_required".into())));
    }

    #[test]
    fn oversized_requests_and_garbage_do_not_end_the_wait() {
        let big = format!("/callback?x={}", "a".repeat(10_000));
        let (result, pages) = run(vec![
            big,
            "\u{1}".into(),
            "/callback?code=c&state=st".into(),
        ]);
        assert_eq!(result, Ok("c".into()));
        assert!(pages[0].starts_with("HTTP/1.1 431"));
    }

    #[test]
    fn cancel_and_timeout() {
        runtime().block_on(async {
            let listener = LoopbackListener::bind("/cb").await.expect("bind");
            let cancel = Arc::new(AtomicBool::new(true));
            assert_eq!(
                listener
                    .wait_for_code("s", &cancel, Duration::from_secs(60))
                    .await,
                Err(OidcError::Cancelled)
            );
            let listener = LoopbackListener::bind("/cb").await.expect("bind");
            let cancel = AtomicBool::new(false);
            assert_eq!(
                listener
                    .wait_for_code("s", &cancel, Duration::from_millis(300))
                    .await,
                Err(OidcError::Expired)
            );
        });
        assert!(
            runtime()
                .block_on(LoopbackListener::bind("callback"))
                .is_err()
        );
    }
}
