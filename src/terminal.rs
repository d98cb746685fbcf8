//! The terminal's line settings, kept and put back: a no-echo prompt abandoned on another
//! thread (`login --no-browser` when the browser's redirect wins) must not leave the user's
//! terminal without echo.

/// The settings of the terminal on stdin when made; put back when dropped.
pub struct EchoGuard {
    #[cfg(unix)]
    saved: Option<libc::termios>,
}

impl EchoGuard {
    /// Keeps the terminal's current settings (nothing when stdin is not a terminal).
    pub fn save() -> EchoGuard {
        #[cfg(unix)]
        {
            // SAFETY: tcgetattr writes a termios through a valid pointer; fd 0 may be anything,
            // and a failure (not a terminal) is reported by its return value.
            let mut t: libc::termios = unsafe { std::mem::zeroed() };
            let ok = unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut t) } == 0;
            EchoGuard {
                saved: ok.then_some(t),
            }
        }
        #[cfg(not(unix))]
        {
            EchoGuard {}
        }
    }
}

impl Drop for EchoGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        if let Some(t) = self.saved.as_ref() {
            // SAFETY: puts back settings tcgetattr returned for the same descriptor.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, t);
            }
        }
    }
}
