//! A loopback HTTP listener for one browser redirect (`login`'s redirect URI).
//!
//! It runs on a thread of its own and hands each request to the redirect path to the command
//! as an [`Event`], then answers the browser with the page the command replies with, so the
//! tab says what happened. Anything else (a favicon, another path, a POST) is 404. The handle
//! stops and joins the thread when dropped: no listener outlives the command.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Sender, channel};
use std::thread::JoinHandle;
use std::time::Duration;

/// What reached the command while it waits for its sign-in.
pub enum Event {
    /// A request to the redirect path, with its query; the page to answer goes to `reply`.
    Redirect { query: String, reply: Sender<Page> },
    /// The redirect URL, pasted by the user (`--no-browser`).
    Pasted(String),
    /// Nothing will be pasted: stdin ended or the prompt failed.
    PasteEnded(String),
}

/// The page the browser lands on.
pub struct Page {
    pub ok: bool,
    pub title: String,
    pub message: String,
}

/// A request head is a few hundred bytes; a redirect with a long code a few KiB.
const MAX_HEAD: u64 = 16 * 1024;
/// A browser sends its request at once; a client that dawdles is dropped.
const READ_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections served at once. Past it, the oldest one that has not sent its request yet is
/// closed to make room: idle sockets held open by another local process never keep the
/// browser's redirect out.
const MAX_CONNECTIONS: usize = 64;
/// How long the browser waits for the command's verdict (the exchange) before a plain answer.
const REPLY_WAIT: Duration = Duration::from_secs(120);

pub struct Served {
    stop: Arc<AtomicBool>,
    /// Redirects handed to the command whose page is not written yet.
    answering: Arc<std::sync::atomic::AtomicUsize>,
    addrs: Vec<std::net::SocketAddr>,
    threads: Vec<JoinHandle<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Each thread blocks in accept: one connection of our own wakes it to see the flag.
        for addr in &self.addrs {
            let _ = TcpStream::connect_timeout(addr, Duration::from_secs(1));
        }
        for t in self.threads.drain(..) {
            let _ = t.join();
        }
        // The browser gets its page before the command ends (an idle connection does not
        // count: only one that reached the command).
        let until = std::time::Instant::now() + READ_TIMEOUT;
        while self.answering.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < until {
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

/// The connections being served: how many, and those still waiting for their request, oldest
/// first, which may be closed to make room.
#[derive(Default)]
struct Connections {
    open: std::sync::atomic::AtomicUsize,
    next: std::sync::atomic::AtomicU64,
    waiting: std::sync::Mutex<std::collections::VecDeque<(u64, TcpStream)>>,
}

impl Connections {
    /// Room for one more: at the limit, the oldest connection that has sent nothing whole yet
    /// is closed (its thread sees the end and leaves). False when every one is busy with a
    /// request.
    fn make_room(&self) -> bool {
        if self.open.load(Ordering::SeqCst) < MAX_CONNECTIONS {
            return true;
        }
        let oldest = self.waiting.lock().ok().and_then(|mut w| w.pop_front());
        match oldest {
            Some((_, stream)) => {
                let _ = stream.shutdown(std::net::Shutdown::Both);
                true
            }
            None => false,
        }
    }

    fn waiting(&self, stream: &TcpStream) -> u64 {
        let id = self.next.fetch_add(1, Ordering::SeqCst);
        if let (Ok(clone), Ok(mut w)) = (stream.try_clone(), self.waiting.lock()) {
            w.push_back((id, clone));
        }
        id
    }

    fn not_waiting(&self, id: u64) {
        if let Ok(mut w) = self.waiting.lock() {
            w.retain(|(i, _)| *i != id);
        }
    }
}

/// Holds `port` on every one of `hosts` (0: the first bind picks a free port, the others take
/// the same), or fails with the address that could not be held: a `localhost` endpoint held on
/// 127.0.0.1 alone would let another local user listening on [::1], which clients try first,
/// take what is sent to it. A machine with no IPv6 at all has no [::1] for anyone to hold.
pub fn bind_all(
    hosts: &[std::net::IpAddr],
    port: u16,
) -> Result<Vec<TcpListener>, (std::net::IpAddr, u16, std::io::Error)> {
    let mut listeners: Vec<TcpListener> = Vec::new();
    for host in hosts {
        let port = match listeners.first() {
            Some(l) => l.local_addr().map_or(port, |a| a.port()),
            None => port,
        };
        match TcpListener::bind((*host, port)) {
            Ok(l) => listeners.push(l),
            Err(e)
                if host.is_ipv6()
                    && hosts.len() > 1
                    && e.kind() == std::io::ErrorKind::AddrNotAvailable => {}
            Err(e) => return Err((*host, port, e)),
        }
    }
    Ok(listeners)
}

/// Serves `listeners` (one per address the redirect's host names) on threads: requests to
/// `path` become [`Event::Redirect`]s on `events`.
pub fn serve(
    listeners: Vec<TcpListener>,
    path: String,
    events: Sender<Event>,
) -> std::io::Result<Served> {
    let conns = Arc::new(Connections::default());
    let answering = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let mut served = Served {
        stop: stop.clone(),
        answering: answering.clone(),
        addrs: Vec::new(),
        threads: Vec::new(),
    };
    for listener in listeners {
        served.addrs.push(listener.local_addr()?);
        let (path, events, conns, answering, stop) = (
            path.clone(),
            events.clone(),
            conns.clone(),
            answering.clone(),
            stop.clone(),
        );
        let thread = std::thread::Builder::new()
            .name("gsignin-redirect".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    match stream {
                        // Each connection on its own thread: a browser's idle preconnect must
                        // not hold up the redirect behind it.
                        Ok(stream) if conns.make_room() => {
                            conns.open.fetch_add(1, Ordering::SeqCst);
                            let id = conns.waiting(&stream);
                            let (path, events, conns) =
                                (path.clone(), events.clone(), conns.clone());
                            let answering = answering.clone();
                            std::thread::spawn(move || {
                                handle(stream, &path, &events, &answering, &|| {
                                    conns.not_waiting(id);
                                });
                                conns.not_waiting(id);
                                conns.open.fetch_sub(1, Ordering::SeqCst);
                            });
                        }
                        Ok(_) => {}
                        // A failed accept (a reset connection, no descriptors left) costs a
                        // pause.
                        Err(_) => std::thread::sleep(Duration::from_millis(20)),
                    }
                }
            })?;
        served.threads.push(thread);
    }
    Ok(served)
}

fn handle(
    stream: TcpStream,
    path: &str,
    events: &Sender<Event>,
    answering: &std::sync::atomic::AtomicUsize,
    head_read: &dyn Fn(),
) {
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let Ok(reader_stream) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(std::io::Read::take(reader_stream, MAX_HEAD));
    let mut line = String::new();
    // Only a whole request line counts: one cut short (a connection closed to make room, a
    // client that gave up) is no redirect, whatever part of a query it holds.
    if reader.read_line(&mut line).is_err() || !line.ends_with('\n') {
        return;
    }
    // The rest of the head is read and dropped (a browser waits for us to read it); a head
    // that never ends, or a line that is no header, is no request either.
    let mut well_formed = true;
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => return,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => well_formed &= header.contains(':') && !header.starts_with([' ', '\t']),
        }
    }
    // A whole request: no longer one to close for room.
    head_read();
    let mut stream = stream;
    let query = match redirect_query(&line, path) {
        Some(query) if well_formed => query,
        _ => {
            let _ = respond(&mut stream, 404, "Not found", "Not found.");
            return;
        }
    };
    let (tx, rx) = channel();
    answering.fetch_add(1, Ordering::SeqCst);
    let _done = Decrement(answering);
    if events
        .send(Event::Redirect {
            query: query.to_string(),
            reply: tx,
        })
        .is_err()
    {
        let _ = respond(
            &mut stream,
            410,
            "gsignin is done",
            "This sign-in is over. Return to the terminal.",
        );
        return;
    }
    let page = rx.recv_timeout(REPLY_WAIT).unwrap_or(Page {
        ok: false,
        title: "gsignin".into(),
        message: "gsignin did not say how the sign-in ended. Return to the terminal.".into(),
    });
    let status = if page.ok { 200 } else { 400 };
    let _ = respond(&mut stream, status, &page.title, &page.message);
}

/// The query of a request line that is a browser's redirect to `path`: `GET`, the path, and
/// HTTP/1.0 or 1.1, separated by single spaces; no control character anywhere.
fn redirect_query<'a>(line: &'a str, path: &str) -> Option<&'a str> {
    let line = line.strip_suffix('\n')?;
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.chars().any(char::is_control) {
        return None;
    }
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if method != "GET" || !matches!(version, "HTTP/1.0" | "HTTP/1.1") || parts.next().is_some() {
        return None;
    }
    let (req_path, query) = target.split_once('?').unwrap_or((target, ""));
    (req_path == path).then_some(query)
}

/// Decrements a counter when dropped, whatever path the handler leaves by.
struct Decrement<'a>(&'a std::sync::atomic::AtomicUsize);

impl Drop for Decrement<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

fn respond(stream: &mut TcpStream, status: u16, title: &str, message: &str) -> std::io::Result<()> {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        _ => "Gone",
    };
    let body = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{t}</title>\
         <style>body{{font-family:system-ui,sans-serif;max-width:34rem;margin:4rem auto;padding:0 1rem}}</style>\
         </head><body><main><h1>{t}</h1><p>{m}</p></main></body></html>\n",
        t = crate::html::escape(title),
        m = crate::html::escape(message)
    );
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\ncontent-type: text/html; charset=utf-8\r\n\
         content-length: {}\r\ncache-control: no-store\r\nreferrer-policy: no-referrer\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )?;
    stream.flush()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn get(port: u16, target: &str) -> String {
        let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
        write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").unwrap();
        let mut out = String::new();
        s.read_to_string(&mut out).unwrap();
        out
    }

    #[test]
    fn l7_an_idle_connection_does_not_hold_up_the_redirect() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = channel();
        let _served = serve(vec![listener], "/".into(), tx).unwrap();
        // A browser's preconnect: opened, nothing sent.
        let _idle = TcpStream::connect(("127.0.0.1", port)).unwrap();
        std::thread::spawn(move || get(port, "/?state=s"));
        assert!(
            rx.recv_timeout(Duration::from_secs(2)).is_ok(),
            "the redirect arrived while the idle connection waits"
        );
    }

    #[test]
    fn l8_the_redirect_gets_through_200_idle_connections_held_open() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = channel();
        let _served = serve(vec![listener], "/".into(), tx).unwrap();
        // Another local process holds sockets open and sends nothing (or half a request).
        let mut idle: Vec<TcpStream> = (0..200)
            .map(|_| TcpStream::connect(("127.0.0.1", port)).unwrap())
            .collect();
        for s in idle.iter_mut().step_by(2) {
            let _ = s.write_all(b"GET /?state=");
        }
        std::thread::sleep(Duration::from_millis(100));
        std::thread::spawn(move || get(port, "/?state=s&code=c"));
        match rx.recv_timeout(Duration::from_secs(3)) {
            Ok(Event::Redirect { query, .. }) => assert_eq!(query, "state=s&code=c"),
            Ok(_) => panic!("a redirect event"),
            Err(e) => panic!("the redirect did not get through 200 idle connections: {e}"),
        }
    }

    #[test]
    fn l8_only_a_whole_http1_request_is_taken_for_the_redirect() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = channel();
        let _served = serve(vec![listener], "/".into(), tx).unwrap();
        for request in [
            "GET /?state=s&code=c\r\n\r\n",
            "GET /?state=s&code=c HTTP/2\r\n\r\n",
            "GET /?state=s&code=c HTTP/1.1 x\r\n\r\n",
            "GET /?state=s&code=c HTTP/1.1\r\nHost: x\r\n",
            "GET /?state=s&code=c HTTP/1.\r\n\r\n",
            "GET /?state=s&code=c HTTP/1.1x\r\n\r\n",
            "GET /?state=s&code=c HTTP/1.99999\r\n\r\n",
            " GET /?state=s&code=c HTTP/1.1\r\n\r\n",
            "GET /?state=s\0&code=c HTTP/1.1\r\n\r\n",
            "GET /?state=s&code=c HTTP/1.1\r\nno colon here\r\n\r\n",
        ] {
            let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
            s.write_all(request.as_bytes()).unwrap();
            let _ = s.shutdown(std::net::Shutdown::Write);
            let mut out = String::new();
            let _ = s.read_to_string(&mut out);
            assert!(!out.starts_with("HTTP/1.1 200"), "{request:?}: {out}");
        }
        assert!(
            rx.recv_timeout(Duration::from_millis(300)).is_err(),
            "no redirect reached the command"
        );
    }

    #[test]
    fn l9_every_listener_of_a_redirect_host_is_served() {
        let v4 = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = v4.local_addr().unwrap().port();
        let Ok(v6) = TcpListener::bind(("::1", port)) else {
            panic!("this machine has no IPv6 loopback (::1): the test needs one");
        };
        let (tx, rx) = channel();
        let _served = serve(vec![v4, v6], "/".into(), tx).unwrap();
        for host in ["127.0.0.1", "::1"] {
            let target = format!("/?from={host}");
            let addr: std::net::IpAddr = host.parse().unwrap();
            std::thread::spawn(move || {
                let mut s = TcpStream::connect((addr, port)).unwrap();
                let _ = write!(s, "GET {target} HTTP/1.1\r\nHost: localhost\r\n\r\n");
                let mut out = String::new();
                let _ = s.read_to_string(&mut out);
            });
            match rx.recv_timeout(Duration::from_secs(3)) {
                Ok(Event::Redirect { query, .. }) => assert_eq!(query, format!("from={host}")),
                _ => panic!("no redirect through {host}"),
            }
        }
    }

    #[test]
    fn l4_l5_l6_only_the_redirect_path_reaches_the_command_and_the_listener_stops_on_drop() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = channel();
        let served = serve(vec![listener], "/cb".into(), tx).unwrap();
        assert!(get(port, "/favicon.ico").starts_with("HTTP/1.1 404"));
        let answer = std::thread::spawn(move || get(port, "/cb?state=s&code=c"));
        match rx.recv_timeout(Duration::from_secs(5)).unwrap() {
            Event::Redirect { query, reply } => {
                assert_eq!(query, "state=s&code=c");
                reply
                    .send(Page {
                        ok: true,
                        title: "Signed in".into(),
                        message: "as <b>a</b>".into(),
                    })
                    .unwrap();
            }
            _ => panic!("a redirect event"),
        }
        let page = answer.join().unwrap();
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert!(page.contains("as &lt;b&gt;a&lt;/b&gt;"));
        drop(served);
        assert!(
            TcpStream::connect(("127.0.0.1", port)).is_err(),
            "no listener left"
        );
    }
}
