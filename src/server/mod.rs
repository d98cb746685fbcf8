//! Serving an axum app on a listener of our own, over plain HTTP or TLS, with a header-read
//! deadline on every connection: the emulator and `receive` both serve this way.

pub mod tls;

use axum::Router;
use std::time::Duration;

/// Connections open at once; more are closed unanswered.
const MAX_OPEN: usize = 1024;

/// Serves `app` (over TLS when `tls` is given) until `shutdown` resolves, then waits up to
/// `drain` for the connections still open to finish (an answer being written is not cut).
/// Every connection has a header-read deadline that also bounds how long an idle kept-alive
/// connection stays open, so half-sent or idle connections cannot pile up.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    header_timeout: Duration,
    drain: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    serve_inner(listener, app, tls, header_timeout, drain, shutdown, false).await
}

/// As [`serve`], with each request carrying its peer's address (`ConnectInfo<SocketAddr>`).
pub async fn serve_with_peers(
    listener: tokio::net::TcpListener,
    app: Router,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    header_timeout: Duration,
    drain: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    serve_inner(listener, app, tls, header_timeout, drain, shutdown, true).await
}

async fn serve_inner(
    listener: tokio::net::TcpListener,
    app: Router,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    header_timeout: Duration,
    drain: Duration,
    shutdown: impl std::future::Future<Output = ()>,
    peers: bool,
) {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let open = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_OPEN));
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => {
                // Every open connection holds a permit: all of them back means all done.
                let _ = tokio::time::timeout(drain, open.acquire_many(MAX_OPEN as u32)).await;
                return;
            }
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(_) => continue,
            },
        };
        let Ok(permit) = open.clone().try_acquire_owned() else {
            continue; // at the limit: the connection is closed unanswered
        };
        let acceptor = acceptor.clone();
        let app = if peers {
            app.clone()
                .layer(axum::Extension(axum::extract::ConnectInfo(peer)))
        } else {
            app.clone()
        };
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper_util::service::TowerToHyperService::new(app);
            let mut builder = hyper::server::conn::http1::Builder::new();
            builder
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout);
            match acceptor {
                Some(acceptor) => {
                    // A client that fails the handshake (an untrusted CA) just goes away; one
                    // that never finishes it is dropped at the same deadline.
                    let handshake = tokio::time::timeout(header_timeout, acceptor.accept(stream));
                    let Ok(Ok(tls)) = handshake.await else {
                        return;
                    };
                    let io = hyper_util::rt::TokioIo::new(tls);
                    let _ = builder.serve_connection(io, service).await;
                }
                None => {
                    let io = hyper_util::rt::TokioIo::new(stream);
                    let _ = builder.serve_connection(io, service).await;
                }
            }
        });
    }
}
