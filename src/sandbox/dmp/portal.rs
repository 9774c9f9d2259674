//! The sandbox stand-in for the DMP professional web portal: a page on loopback that shows
//! which patient and which page (summary, documents, vaccination note) Chevet opened, so that
//! the contextual access can be tried without the real portal. Plain HTTP, GET only.

use std::convert::Infallible;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::Bytes;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;

use crate::sandbox::registry::{ServeFuture, SimulatedService};
use crate::xml_escape::escape;

/// Path of the page; the template Chevet uses is `{base}/portail?ins={ins}&page={page}`.
pub const PORTAL_PATH: &str = "/portail";

/// The portal template for a portal running at `base_url`.
pub fn template(base_url: &str) -> String {
    format!("{base_url}{PORTAL_PATH}?ins={{ins}}&page={{page}}")
}

/// The sandbox portal service.
pub struct SandboxPortal;

impl SimulatedService for SandboxPortal {
    fn name(&self) -> &'static str {
        "dmp-portail"
    }

    fn scheme(&self) -> &'static str {
        "http"
    }

    fn serve(self: Box<Self>, listener: TcpListener) -> ServeFuture {
        Box::pin(async move {
            while let Ok((socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let service =
                        service_fn(|request: Request<hyper::body::Incoming>| async move {
                            Ok::<_, Infallible>(page(request.method(), request.uri()))
                        });
                    let _ = http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(Duration::from_secs(10))
                        .serve_connection(TokioIo::new(socket), service)
                        .await;
                });
            }
        })
    }
}

fn page(method: &hyper::Method, uri: &hyper::Uri) -> Response<Full<Bytes>> {
    if method != hyper::Method::GET || uri.path() != PORTAL_PATH {
        return answer(StatusCode::NOT_FOUND, "<p>Page inconnue.</p>".into());
    }
    let mut ins = String::new();
    let mut which = String::new();
    for (key, value) in url::form_urlencoded::parse(uri.query().unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "ins" => ins = value.chars().take(40).collect(),
            "page" => which = value.chars().take(40).collect(),
            _ => {}
        }
    }
    let title = match which.as_str() {
        "note-vaccination" => "Note de vaccination",
        "documents" => "Documents du DMP",
        _ => "Synthèse du DMP",
    };
    answer(
        StatusCode::OK,
        format!(
            "<h1>DMP — portail professionnel (bac à sable)</h1>\
             <h2>{}</h2><p>Patient : INS <code>{}</code></p>\
             <p>Page simulée : le vrai portail s'ouvre ici, dans le contexte de ce patient.</p>",
            escape(title),
            escape(&ins)
        ),
    )
}

fn answer(status: StatusCode, body: String) -> Response<Full<Bytes>> {
    let html = format!(
        "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\">\
         <title>DMP (bac à sable)</title></head><body style=\"font-family:sans-serif\">{body}</body></html>"
    );
    let mut response = Response::new(Full::new(Bytes::from(html)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("text/html; charset=utf-8"),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_name_the_context_and_escape_it() {
        let ok = page(
            &hyper::Method::GET,
            &"/portail?ins=279035121518989&page=note-vaccination"
                .parse()
                .expect("uri"),
        );
        assert_eq!(ok.status(), StatusCode::OK);
        let missing = page(&hyper::Method::GET, &"/ailleurs".parse().expect("uri"));
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_eq!(
            template("http://127.0.0.1:1"),
            "http://127.0.0.1:1/portail?ins={ins}&page={page}"
        );
    }
}
