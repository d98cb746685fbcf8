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
/// How long the browser waits for the command's verdict (the exchange) before a plain answer.
const REPLY_WAIT: Duration = Duration::from_secs(120);

pub struct Served {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serves `listener` on a thread: requests to `path` become [`Event::Redirect`]s on `events`.
pub fn serve(
    listener: TcpListener,
    path: String,
    events: Sender<Event>,
) -> std::io::Result<Served> {
    listener.set_nonblocking(true)?;
    let stop = Arc::new(AtomicBool::new(false));
    let flag = stop.clone();
    let thread = std::thread::Builder::new()
        .name("gsignin-redirect".into())
        .spawn(move || {
            while !flag.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((stream, _)) => handle(stream, &path, &events),
                    Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                        std::thread::sleep(Duration::from_millis(20));
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        })?;
    Ok(Served {
        stop,
        thread: Some(thread),
    })
}

fn handle(stream: TcpStream, path: &str, events: &Sender<Event>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(READ_TIMEOUT));
    let _ = stream.set_write_timeout(Some(READ_TIMEOUT));
    let Ok(reader_stream) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(std::io::Read::take(reader_stream, MAX_HEAD));
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() {
        return;
    }
    // The rest of the head is read and dropped (a browser waits for us to read it).
    loop {
        let mut header = String::new();
        match reader.read_line(&mut header) {
            Ok(0) | Err(_) => break,
            Ok(_) if header == "\r\n" || header == "\n" => break,
            Ok(_) => {}
        }
    }
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let (req_path, query) = target.split_once('?').unwrap_or((target, ""));
    let mut stream = stream;
    if method != "GET" || req_path != path {
        let _ = respond(&mut stream, 404, "Not found", "Not found.");
        return;
    }
    let (tx, rx) = channel();
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
        t = escape(title),
        m = escape(message)
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

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
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
    fn only_the_redirect_path_reaches_the_command_and_the_listener_stops_on_drop() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = channel();
        let served = serve(listener, "/cb".into(), tx).unwrap();
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
