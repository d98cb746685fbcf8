//! The process's streams (or buffers standing in for them) and whether to colour them.

use std::cell::RefCell;
use std::io::{BufRead, Write};
use std::rc::Rc;

/// When to colour: `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// Whether to colour a stream: never with `--color never` or NO_COLOR, always with
/// `--color always`, else only on a terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Colors {
    pub stdout: bool,
    pub stderr: bool,
}

impl Colors {
    pub const NONE: Colors = Colors {
        stdout: false,
        stderr: false,
    };

    /// `--color` wins; `auto` colours a terminal unless NO_COLOR is set (no-color.org).
    pub fn decide(
        choice: ColorChoice,
        no_color: bool,
        stdout_tty: bool,
        stderr_tty: bool,
    ) -> Colors {
        let on = |tty: bool| match choice {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => tty && !no_color,
        };
        Colors {
            stdout: on(stdout_tty),
            stderr: on(stderr_tty),
        }
    }
}

pub type SharedWrite = Rc<RefCell<Box<dyn Write>>>;

/// Reads a line from the terminal without echoing it.
pub type HiddenPrompt = Box<dyn Fn(&str) -> std::io::Result<String>>;

/// The process's streams, or buffers standing in for them.
pub struct Io {
    /// Send, so that a batch can read it on a thread of its own while it writes answers.
    pub stdin: RefCell<Box<dyn BufRead + Send>>,
    /// For commands that stream (the emulator's banner); others return an `Outcome`.
    pub stdout: SharedWrite,
    pub stderr: SharedWrite,
    pub stdin_is_terminal: bool,
    /// Set by `app::run` from what it is told: `gsignin api` pretty-prints for a terminal.
    pub stdout_is_terminal: bool,
    pub stderr_is_terminal: bool,
    pub colors: Colors,
    /// Reads a secret from the terminal without echo.
    pub prompt_hidden: HiddenPrompt,
    /// `stdin` is the process's own: a command that must wait on it and on something else at
    /// once (`login --no-browser`) may read it from another thread.
    pub process_stdin: bool,
}

impl Io {
    pub fn process() -> Io {
        use std::io::IsTerminal;
        Io {
            stdin: RefCell::new(Box::new(std::io::BufReader::new(std::io::stdin()))),
            stdout: Rc::new(RefCell::new(Box::new(std::io::stdout()))),
            stderr: Rc::new(RefCell::new(Box::new(std::io::stderr()))),
            stdin_is_terminal: std::io::stdin().is_terminal(),
            stdout_is_terminal: std::io::stdout().is_terminal(),
            stderr_is_terminal: std::io::stderr().is_terminal(),
            colors: Colors::NONE,
            prompt_hidden: Box::new(crate::terminal::prompt_hidden),
            process_stdin: true,
        }
    }

    /// Streams for running commands inside the program (`demo`): no stdin, stderr collected.
    pub fn captured(stdout: SharedWrite, stderr: SharedWrite) -> Io {
        Io {
            stdin: RefCell::new(Box::new(std::io::empty())),
            stdout,
            stderr,
            stdin_is_terminal: false,
            stdout_is_terminal: false,
            stderr_is_terminal: false,
            colors: Colors::NONE,
            prompt_hidden: Box::new(|_| Err(std::io::ErrorKind::Unsupported.into())),
            process_stdin: false,
        }
    }
}

/// What an in-process run wrote, kept by whoever started it.
pub type Written = Rc<RefCell<Vec<u8>>>;

/// Streams for a run inside the program (tests, `demo`'s steps): no stdin, stdout and stderr
/// into buffers; returns the streams and the two buffers to read afterwards.
pub fn capture() -> (Io, Written, Written) {
    let (out, err): (Written, Written) = Default::default();
    let io = Io::captured(
        Rc::new(RefCell::new(Box::new(SharedBuf(out.clone())))),
        Rc::new(RefCell::new(Box::new(SharedBuf(err.clone())))),
    );
    (io, out, err)
}

/// The text a buffer holds.
pub fn text(written: &Written) -> String {
    String::from_utf8_lossy(&written.borrow()).into_owned()
}

/// A writer into a buffer its creator keeps a handle on: how in-process runs (the demo, the
/// tests) read what a command printed.
pub struct SharedBuf(pub Rc<RefCell<Vec<u8>>>);

impl Write for SharedBuf {
    fn write(&mut self, data: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(data);
        Ok(data.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
