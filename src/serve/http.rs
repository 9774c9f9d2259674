//! The health and status endpoint, written by hand on tokio's `TcpListener` (the production
//! build has no HTTP server crate): bound to 127.0.0.1 only, one request per connection
//! (`Connection: close`), a request head of at most 8 KiB read within 5 s.
//! `GET /health` → 200 `ok` when the shared record answers, else 503; `GET /status` → JSON;
//! other paths 404, other methods 405, a malformed head 400, an oversized one 431.

use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::Semaphore;

use super::status::Shared;

/// Largest request head read.
pub const MAX_HEAD_BYTES: usize = 8 * 1024;
/// Time a client has to send its request head.
pub const READ_TIMEOUT_SECS: u64 = 5;
/// Time an answer has to be written.
const WRITE_TIMEOUT_SECS: u64 = 5;
/// Connections served at once; more are closed at once.
const MAX_CONNECTIONS: usize = 16;

/// A request, as far as this endpoint cares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    /// The path, without its query.
    pub path: String,
}

/// Why a request head was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadError {
    /// Not HTTP/1.x, or a line that is not a header.
    Malformed,
    /// No end of head within [`MAX_HEAD_BYTES`].
    TooLarge,
    /// Nothing within [`READ_TIMEOUT_SECS`].
    Timeout,
    /// The client went away before a full head (nothing to answer).
    Closed,
}

/// An answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl Response {
    fn text(status: u16, body: &str) -> Self {
        Self {
            status,
            content_type: "text/plain; charset=utf-8",
            body: body.as_bytes().to_vec(),
        }
    }

    fn reason(&self) -> &'static str {
        match self.status {
            200 => "OK",
            400 => "Bad Request",
            404 => "Not Found",
            405 => "Method Not Allowed",
            408 => "Request Timeout",
            431 => "Request Header Fields Too Large",
            503 => "Service Unavailable",
            _ => "Internal Server Error",
        }
    }

    /// The bytes on the wire: status line, headers, body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\n\
             Cache-Control: no-store\r\nConnection: close\r\n",
            self.status,
            self.reason(),
            self.content_type,
            self.body.len()
        );
        if self.status == 405 {
            head.push_str("Allow: GET\r\n");
        }
        head.push_str("\r\n");
        let mut bytes = head.into_bytes();
        bytes.extend_from_slice(&self.body);
        bytes
    }

    /// The answer to a head that could not be read, if one is due.
    pub fn for_head_error(error: HeadError) -> Option<Self> {
        match error {
            HeadError::Malformed => Some(Self::text(400, "bad request\n")),
            HeadError::TooLarge => Some(Self::text(431, "request head too large\n")),
            HeadError::Timeout => Some(Self::text(408, "request timeout\n")),
            HeadError::Closed => None,
        }
    }
}

/// Where the head ends (just past its blank line), if it does.
fn head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|at| at + 4)
}

/// Reads a request head: up to its blank line, at most [`MAX_HEAD_BYTES`] (no time limit
/// here: the caller bounds it).
pub async fn read_head<R: AsyncRead + Unpin>(reader: &mut R) -> Result<Vec<u8>, HeadError> {
    let mut buf = vec![0_u8; MAX_HEAD_BYTES];
    let mut len = 0;
    loop {
        if len == buf.len() {
            return Err(HeadError::TooLarge);
        }
        let n = reader
            .read(&mut buf[len..])
            .await
            .map_err(|_| HeadError::Closed)?;
        if n == 0 {
            return Err(if len == 0 {
                HeadError::Closed
            } else {
                HeadError::Malformed
            });
        }
        // The blank line may straddle two reads: look again from a little before.
        let from = len.saturating_sub(3);
        len += n;
        if let Some(end) = head_end(&buf[from..len]) {
            buf.truncate(from + end);
            return Ok(buf);
        }
    }
}

fn is_token(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

/// Parses a request head (request line and header lines, ending with a blank line).
pub fn parse_head(head: &[u8]) -> Result<Request, HeadError> {
    let text = std::str::from_utf8(head).map_err(|_| HeadError::Malformed)?;
    let text = text.strip_suffix("\r\n\r\n").ok_or(HeadError::Malformed)?;
    let mut lines = text.split("\r\n");
    let request_line = lines.next().ok_or(HeadError::Malformed)?;
    let parts: Vec<&str> = request_line.split(' ').collect();
    let [method, target, version] = parts.as_slice() else {
        return Err(HeadError::Malformed);
    };
    if !is_token(method)
        || !target.starts_with('/')
        || target.bytes().any(|b| b.is_ascii_control())
        || !matches!(*version, "HTTP/1.1" | "HTTP/1.0")
    {
        return Err(HeadError::Malformed);
    }
    for line in lines {
        let Some((name, _value)) = line.split_once(':') else {
            return Err(HeadError::Malformed);
        };
        if !is_token(name) {
            return Err(HeadError::Malformed);
        }
    }
    let path = target.split_once('?').map_or(*target, |(path, _)| path);
    Ok(Request {
        method: (*method).to_owned(),
        path: path.to_owned(),
    })
}

/// The answer to a request.
pub fn route(request: &Request, shared: &Shared) -> Response {
    if !matches!(request.path.as_str(), "/health" | "/status") {
        return Response::text(404, "not found\n");
    }
    if request.method != "GET" {
        return Response::text(405, "method not allowed\n");
    }
    if request.path == "/health" {
        return if shared.is_healthy() {
            Response::text(200, "ok\n")
        } else {
            Response::text(503, "shared record unreachable\n")
        };
    }
    match shared.status_json() {
        Ok(body) => Response {
            status: 200,
            content_type: "application/json",
            body,
        },
        Err(e) => {
            tracing::error!("status not serialisable: {e}");
            Response::text(500, "internal error\n")
        }
    }
}

/// Serves one connection: reads its head within the time limit, answers, closes.
async fn serve_connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let read = tokio::time::timeout(
        Duration::from_secs(READ_TIMEOUT_SECS),
        read_head(&mut stream),
    )
    .await
    .unwrap_or(Err(HeadError::Timeout));
    let response = match read.and_then(|head| parse_head(&head)) {
        Ok(request) => {
            let response = route(&request, &shared);
            tracing::debug!(path = %request.path, status = response.status, "status request");
            Some(response)
        }
        Err(error) => {
            tracing::debug!(?error, "request refused");
            Response::for_head_error(error)
        }
    };
    if let Some(response) = response {
        let write = async {
            stream.write_all(&response.to_bytes()).await?;
            stream.shutdown().await
        };
        let _ = tokio::time::timeout(Duration::from_secs(WRITE_TIMEOUT_SECS), write).await;
    }
}

/// Accepts connections until the task is aborted.
pub async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                tracing::warn!(kind = ?e.kind(), "status endpoint: accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        let Ok(slot) = Arc::clone(&slots).try_acquire_owned() else {
            tracing::warn!("status endpoint: too many connections, one closed");
            continue;
        };
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            serve_connection(stream, shared).await;
            drop(slot);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::serve::jobs::Registry;

    fn request(method: &str, path: &str) -> Request {
        Request {
            method: method.into(),
            path: path.into(),
        }
    }

    fn read(bytes: &[u8]) -> Result<Vec<u8>, HeadError> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .expect("runtime");
        let mut reader = bytes;
        rt.block_on(read_head(&mut reader))
    }

    #[test]
    fn a_good_request_is_parsed() {
        let raw =
            b"GET /status?pretty=1 HTTP/1.1\r\nHost: 127.0.0.1:8471\r\nUser-Agent: curl/8\r\n\r\n";
        let head = read(raw).expect("head");
        assert_eq!(
            parse_head(&head).expect("request"),
            request("GET", "/status")
        );
        assert_eq!(
            parse_head(b"GET /health HTTP/1.0\r\n\r\n").expect("request"),
            request("GET", "/health")
        );
    }

    #[test]
    fn a_bad_request_line_is_malformed() {
        for raw in [
            &b"GET /health\r\n\r\n"[..],
            b"GET  /health HTTP/1.1\r\n\r\n",
            b"GET health HTTP/1.1\r\n\r\n",
            b"GET /health HTTP/2.0\r\n\r\n",
            b"G(T /health HTTP/1.1\r\n\r\n",
            b"GET /health HTTP/1.1\r\nno colon here\r\n\r\n",
            b"GET /h\xffalth HTTP/1.1\r\n\r\n",
            b"\r\n\r\n",
        ] {
            assert_eq!(
                parse_head(raw),
                Err(HeadError::Malformed),
                "{}",
                String::from_utf8_lossy(raw)
            );
        }
        assert_eq!(read(b"GET /health HTTP/1.1\r\n"), Err(HeadError::Malformed));
        assert_eq!(read(b""), Err(HeadError::Closed));
    }

    #[test]
    fn an_oversized_head_is_refused() {
        let mut raw = b"GET /health HTTP/1.1\r\nX-Padding: ".to_vec();
        raw.resize(MAX_HEAD_BYTES + 100, b'a');
        raw.extend_from_slice(b"\r\n\r\n");
        assert_eq!(read(&raw), Err(HeadError::TooLarge));
        let response = Response::for_head_error(HeadError::TooLarge).expect("answer");
        assert_eq!(response.status, 431);
        // A head of exactly the limit is still read.
        let mut exact = b"GET /health HTTP/1.1\r\nX-Padding: ".to_vec();
        exact.resize(MAX_HEAD_BYTES - 4, b'a');
        exact.extend_from_slice(b"\r\n\r\n");
        assert_eq!(read(&exact).expect("head").len(), MAX_HEAD_BYTES);
    }

    #[test]
    fn unknown_paths_are_404_and_other_methods_405() {
        let shared = Shared::new(Registry::new().statuses());
        assert_eq!(route(&request("GET", "/"), &shared).status, 404);
        assert_eq!(route(&request("GET", "/healthz"), &shared).status, 404);
        let refused = route(&request("POST", "/status"), &shared);
        assert_eq!(refused.status, 405);
        let wire = String::from_utf8(refused.to_bytes()).expect("text");
        assert!(wire.contains("\r\nAllow: GET\r\n"), "{wire}");
        assert_eq!(route(&request("DELETE", "/health"), &shared).status, 405);
    }

    #[test]
    fn health_follows_the_record_and_status_is_json() {
        let shared = Shared::new(Registry::new().statuses());
        let unhealthy = route(&request("GET", "/health"), &shared);
        assert_eq!(unhealthy.status, 503);
        shared.update_record(|r| r.reachable = true);
        let healthy = route(&request("GET", "/health"), &shared);
        assert_eq!(
            (healthy.status, healthy.body.as_slice()),
            (200, &b"ok\n"[..])
        );
        let wire = String::from_utf8(healthy.to_bytes()).expect("text");
        assert!(wire.starts_with("HTTP/1.1 200 OK\r\n"), "{wire}");
        assert!(wire.contains("\r\nConnection: close\r\n"), "{wire}");
        assert!(wire.contains("\r\nContent-Length: 3\r\n"), "{wire}");
        assert!(wire.ends_with("\r\n\r\nok\n"), "{wire}");
        let status = route(&request("GET", "/status"), &shared);
        assert_eq!(status.content_type, "application/json");
        let v: serde_json::Value = serde_json::from_slice(&status.body).expect("json");
        assert_eq!(v["record"]["reachable"], true);
    }
}
