//! Serving an axum app on a listener of our own, over plain HTTP or TLS, with a header-read
//! deadline on every connection: the emulator and gsignin's `receive` both serve this way,
//! with the few helpers both sides of a local server need (HTML escaping, loopback checks,
//! random text).
//!
//! A public part of this crate's API, documented as such: gsignin's CLI serves its `receive`
//! endpoint and `login`'s redirect page with it, and takes its transport rule
//! ([`net::is_loopback`]) and the randomness of its PKCE verifier, `state` and `nonce`
//! ([`random_urlsafe`]) from here. The CLI pins this crate's version exactly, so a later
//! release may change this module only together with the CLI that uses it.

pub mod html;
pub mod net;
pub mod tls;

use axum::Router;
use std::time::Duration;

/// `bytes` random bytes as URL-safe base64 without padding: states, nonces, PKCE verifiers,
/// pairing tokens, the emulator's codes and tokens.
pub fn random_urlsafe(bytes: usize) -> String {
    use base64::Engine;
    let raw: Vec<u8> = (0..bytes).map(|_| rand::random::<u8>()).collect();
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(raw)
}

/// Connections open at once; more are closed unanswered.
const MAX_OPEN: usize = 1024;

/// How an app is served.
#[derive(Clone)]
pub struct Config {
    /// HTTPS with this configuration; plain HTTP without.
    pub tls: Option<std::sync::Arc<rustls::ServerConfig>>,
    /// A request head (or the next one on a kept-alive connection) must arrive whole within
    /// this, and a TLS handshake finish within it.
    pub header_timeout: Duration,
    /// After shutdown, how long the connections still open may take to finish (an answer
    /// being written is not cut).
    pub drain: Duration,
    /// Each request carries its peer's address (`ConnectInfo<SocketAddr>`).
    pub peers: bool,
    /// The runtime's worker threads.
    pub workers: usize,
}

/// Serves `app` until `shutdown` resolves. Every connection has the header-read deadline,
/// which also bounds how long an idle kept-alive connection stays open, so half-sent or idle
/// connections cannot pile up; at most `MAX_OPEN` (1,024) are open at once.
pub async fn serve(
    listeners: Vec<tokio::net::TcpListener>,
    app: Router,
    config: Config,
    shutdown: impl std::future::Future<Output = ()>,
) {
    let Config {
        tls,
        header_timeout,
        drain,
        peers,
        workers: _,
    } = config;
    let acceptor = tls.map(tokio_rustls::TlsAcceptor::from);
    let open = std::sync::Arc::new(tokio::sync::Semaphore::new(MAX_OPEN));
    // One accept loop per address (a `localhost` endpoint holds 127.0.0.1 and ::1), all
    // feeding this one loop, its connection limit and its shutdown.
    let (accepted_tx, mut accepted_rx) = tokio::sync::mpsc::channel(64);
    for listener in listeners {
        let tx = accepted_tx.clone();
        tokio::spawn(async move {
            loop {
                match listener.accept().await {
                    Ok(pair) => {
                        if tx.send(pair).await.is_err() {
                            return;
                        }
                    }
                    // A failed accept (no descriptors left) costs a pause, not a spin.
                    Err(_) => tokio::time::sleep(Duration::from_millis(20)).await,
                }
            }
        });
    }
    drop(accepted_tx);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => {
                // Every open connection holds a permit: all of them back means all done.
                let _ = tokio::time::timeout(drain, open.acquire_many(MAX_OPEN as u32)).await;
                return;
            }
            accepted = accepted_rx.recv() => match accepted {
                Some(pair) => pair,
                None => return,
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

/// An app served on a thread and runtime of its own, so that blocking callers (the CLI's HTTP
/// client, a command's main loop) can use it freely. Dropping it stops the server, letting
/// open connections drain as its [`Config`] says, and joins the thread.
pub struct Background {
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Background {
    /// Serves `app` on `listeners` from a thread named `name`. `beside` is called inside the
    /// runtime before this returns (a signal listener it sets up is in place before the caller
    /// says it is ready), and the future it makes runs for as long as the server does.
    pub fn start<F>(
        name: &str,
        listeners: Vec<std::net::TcpListener>,
        app: Router,
        config: Config,
        beside: impl FnOnce() -> std::io::Result<F>,
    ) -> std::io::Result<Background>
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        for listener in &listeners {
            listener.set_nonblocking(true)?;
        }
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(config.workers.max(1))
            .enable_all()
            .build()?;
        let beside = {
            let _inside = runtime.enter();
            beside()?
        };
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name(name.into())
            .spawn(move || {
                runtime.block_on(async move {
                    tokio::spawn(beside);
                    let Ok(listeners) = listeners
                        .into_iter()
                        .map(tokio::net::TcpListener::from_std)
                        .collect::<std::io::Result<Vec<_>>>()
                    else {
                        return;
                    };
                    let shutdown = async {
                        let _ = rx.await;
                    };
                    serve(listeners, app, config, shutdown).await;
                });
                // Hung requests (the emulator's injected faults) must not keep the thread alive.
                runtime.shutdown_timeout(Duration::from_millis(100));
            })?;
        Ok(Background {
            shutdown: Some(tx),
            thread: Some(thread),
        })
    }

    /// Blocks until the server stops (it stops when the handle is dropped, or the process
    /// ends).
    pub fn wait(mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}
