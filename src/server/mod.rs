//! Serving an axum app on a listener of our own, over plain HTTP or TLS, with a header-read
//! deadline on every connection: the emulator and `receive` both serve this way.

pub mod tls;

use axum::Router;
use std::time::Duration;

/// Serves `app` (over TLS when `tls` is given) until `shutdown` resolves. Every connection
/// has a header-read deadline that also bounds how long an idle kept-alive connection stays
/// open, so half-sent or idle connections cannot pile up.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
    tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    header_timeout: Duration,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    tokio::pin!(shutdown);
    loop {
        let (stream, _) = tokio::select! {
            _ = &mut shutdown => return,
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(_) => continue,
            },
        };
        let acceptor = acceptor.clone();
        let app = app.clone();
        tokio::spawn(async move {
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
