//! The HTTPS listener handed to `axum::serve`, and the plain-HTTP side that only redirects.
//!
//! Handshakes run in their own tasks, so one slow or silent client never holds up the
//! others; finished TLS streams queue for the server. A connection whose first byte is not a
//! TLS handshake record is someone typing `http://` in front of the HTTPS port: it gets the
//! redirect answer instead of a broken connection.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderMap, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto;
use hyper_util::service::TowerToHyperService;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{Semaphore, mpsc};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::server::TlsStream;

use super::Tls;
use crate::error::AppError;

/// Content type 22 opens every TLS record stream (the ClientHello).
const TLS_HANDSHAKE_RECORD: u8 = 0x16;
/// Longest a client may take to send its first byte and complete the handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// Handshakes (and plain-HTTP redirect connections) in progress at once; more wait in the
/// kernel's accept queue.
const MAX_PENDING: usize = 256;
/// A plain-HTTP connection only ever needs one or two short exchanges.
const PLAIN_CONNECTION_LIMIT: Duration = Duration::from_secs(30);

pub struct TlsListener {
    ready: mpsc::Receiver<(TlsStream<TcpStream>, SocketAddr)>,
    local: SocketAddr,
    accepting: tokio::task::JoinHandle<()>,
}

impl TlsListener {
    /// Starts accepting on `tcp`; `plain` answers connections that speak plain HTTP.
    pub fn new(tcp: TcpListener, tls: &Tls, plain: Router) -> std::io::Result<Self> {
        let local = tcp.local_addr()?;
        let acceptor = TlsAcceptor::from(tls.server_config.clone());
        let (sender, ready) = mpsc::channel(64);
        let accepting = tokio::spawn(accept_loop(tcp, acceptor, plain, sender));
        Ok(Self { ready, local, accepting })
    }
}

impl Drop for TlsListener {
    fn drop(&mut self) {
        self.accepting.abort();
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        match self.ready.recv().await {
            Some(connection) => connection,
            // The accept loop only ends when this listener is dropped.
            None => std::future::pending().await,
        }
    }

    fn local_addr(&self) -> std::io::Result<Self::Addr> {
        Ok(self.local)
    }
}

async fn accept_loop(
    tcp: TcpListener,
    acceptor: TlsAcceptor,
    plain: Router,
    ready: mpsc::Sender<(TlsStream<TcpStream>, SocketAddr)>,
) {
    let pending = Arc::new(Semaphore::new(MAX_PENDING));
    loop {
        let Ok(permit) = pending.clone().acquire_owned().await else { return };
        let (stream, peer) = match tcp.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                // Out of file descriptors and the like: give the server time to close some.
                tracing::warn!(error = %err, "accepting a connection failed");
                tokio::time::sleep(Duration::from_secs(1)).await;
                continue;
            }
        };
        // No Nagle delay: a WebSocket edit is a small write that must leave at once.
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(error = %err, "cannot set TCP_NODELAY");
        }
        let (acceptor, plain, ready) = (acceptor.clone(), plain.clone(), ready.clone());
        tokio::spawn(async move {
            let handshake = async {
                let mut first = [0u8; 1];
                let read = stream.peek(&mut first).await.ok()?;
                if read == 1 && first[0] == TLS_HANDSHAKE_RECORD {
                    return acceptor.accept(stream).await.ok().map(Ok);
                }
                Some(Err(stream))
            };
            let outcome = tokio::time::timeout(HANDSHAKE_TIMEOUT, handshake).await;
            match outcome {
                Ok(Some(Ok(tls))) => {
                    drop(permit);
                    let _ = ready.send((tls, peer)).await;
                }
                Ok(Some(Err(stream))) => {
                    let service = TowerToHyperService::new(plain);
                    let builder = auto::Builder::new(TokioExecutor::new());
                    let connection = builder.serve_connection(TokioIo::new(stream), service);
                    let _ = tokio::time::timeout(PLAIN_CONNECTION_LIMIT, connection).await;
                    drop(permit);
                }
                // Failed or too slow handshakes are the client's problem; nothing to serve.
                Ok(None) | Err(_) => drop(permit),
            }
        });
    }
}

/// Where plain-HTTP requests are sent: the HTTPS port, or `public_url` when it is https.
#[derive(Clone)]
struct RedirectTarget {
    https_port: u16,
    public_url: Option<String>,
}

/// The plain-HTTP side: `/ca.crt` (in `auto` mode, so a device can fetch the authority
/// before it trusts it), and a permanent redirect to HTTPS for everything else.
pub fn redirect_router(https_port: u16, public_url: Option<&str>, ca_pem: Option<String>) -> Router {
    let target = RedirectTarget {
        https_port,
        public_url: public_url
            .filter(|url| url.starts_with("https://"))
            .map(|url| url.trim_end_matches('/').to_string()),
    };
    let mut router = Router::new();
    if let Some(pem) = ca_pem {
        router = router.route("/ca.crt", get(move || async move { super::ca_response(pem) }));
    }
    router.fallback(move |request: Request| async move { redirect(&target, request.headers(), request.uri()) })
}

fn redirect(target: &RedirectTarget, headers: &HeaderMap, uri: &Uri) -> Response {
    let path = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let location = match &target.public_url {
        Some(base) => format!("{base}{path}"),
        None => {
            let host = headers
                .get(header::HOST)
                .and_then(|value| value.to_str().ok())
                .and_then(|value| value.parse::<axum::http::uri::Authority>().ok())
                .map(|authority| authority.host().to_string());
            let Some(host) = host else {
                return AppError::bad_request("This port speaks HTTPS; the request has no Host to redirect to")
                    .into_response();
            };
            match target.https_port {
                443 => format!("https://{host}{path}"),
                port => format!("https://{host}:{port}{path}"),
            }
        }
    };
    (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response()
}
