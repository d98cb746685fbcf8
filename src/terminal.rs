//! The terminal's line settings, kept and put back: a no-echo prompt must never leave the
//! user's terminal without echo, whether it is abandoned on another thread (`login
//! --no-browser` when the browser's redirect wins), answered, or cut short by a signal
//! (Ctrl-C, a kill, a closed terminal).

/// The settings of the terminal on stdin when made; put back when dropped.
pub struct EchoGuard {
    #[cfg(unix)]
    saved: Option<libc::termios>,
    /// The console's input mode (echo is one of its flags).
    #[cfg(windows)]
    saved: Option<u32>,
}

impl EchoGuard {
    /// Keeps the terminal's current settings (nothing when stdin is not a terminal).
    pub fn save() -> EchoGuard {
        #[cfg(unix)]
        {
            EchoGuard {
                saved: current_settings(),
            }
        }
        #[cfg(windows)]
        {
            EchoGuard {
                saved: console_mode(),
            }
        }
        #[cfg(not(any(unix, windows)))]
        {
            EchoGuard {}
        }
    }
}

impl Drop for EchoGuard {
    fn drop(&mut self) {
        // SAFETY: puts back the mode GetConsoleMode returned for the same standard handle.
        #[cfg(windows)]
        if let Some(mode) = self.saved {
            use windows_sys::Win32::System::Console::{
                GetStdHandle, STD_INPUT_HANDLE, SetConsoleMode,
            };
            unsafe {
                SetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), mode);
            }
        }
        #[cfg(unix)]
        if let Some(t) = self.saved.as_ref() {
            // SAFETY: puts back settings tcgetattr returned for the same descriptor.
            unsafe {
                libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, t);
            }
        }
    }
}

/// The console's input mode, when stdin is a console. (Ctrl-C at a Windows prompt ends the
/// process without unwinding; the shell that started gsignin, cmd or PowerShell, sets its
/// console's mode again before its next prompt.)
#[cfg(windows)]
fn console_mode() -> Option<u32> {
    use windows_sys::Win32::System::Console::{GetConsoleMode, GetStdHandle, STD_INPUT_HANDLE};
    let mut mode = 0u32;
    // SAFETY: GetConsoleMode writes a u32 through a valid pointer and reports failure (not a
    // console) by its return value.
    let ok = unsafe { GetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), &mut mode) } != 0;
    ok.then_some(mode)
}

#[cfg(unix)]
fn current_settings() -> Option<libc::termios> {
    // SAFETY: tcgetattr writes a termios through a valid pointer; fd 0 may be anything, and a
    // failure (not a terminal) is reported by its return value.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    let ok = unsafe { libc::tcgetattr(libc::STDIN_FILENO, &mut t) } == 0;
    ok.then_some(t)
}

/// Reads a line from the terminal without echoing it. Echo comes back on every way out: the
/// answer, an error, and any signal that ends the process meanwhile (the signal's handler puts
/// the settings back, then lets the signal take effect as it would have).
pub fn prompt_hidden(prompt: &str) -> std::io::Result<String> {
    let _echo = EchoGuard::save();
    #[cfg(unix)]
    let _restore = on_signal::Restore::install();
    rpassword::prompt_password(prompt)
}

#[cfg(unix)]
mod on_signal {
    use std::sync::atomic::{AtomicPtr, Ordering};

    /// What a signal handler needs, written before the handlers are installed and only read
    /// after: the terminal's settings and the actions the handlers replaced.
    struct Saved {
        termios: libc::termios,
        previous: Vec<(libc::c_int, libc::sigaction)>,
    }

    static SAVED: AtomicPtr<Saved> = AtomicPtr::new(std::ptr::null_mut());

    extern "C" fn restore_then_reraise(sig: libc::c_int) {
        let saved = SAVED.load(Ordering::SeqCst);
        if saved.is_null() {
            return;
        }
        // SAFETY: SAVED points at a leaked, never-freed Saved; tcsetattr, sigaction and raise
        // are async-signal-safe.
        unsafe {
            let saved = &*saved;
            libc::tcsetattr(libc::STDIN_FILENO, libc::TCSANOW, &saved.termios);
            if let Some((_, old)) = saved.previous.iter().find(|(s, _)| *s == sig) {
                libc::sigaction(sig, old, std::ptr::null_mut());
            }
            libc::raise(sig);
        }
    }

    /// The handlers, installed while a prompt has echo off; dropped, the previous actions
    /// are back.
    pub struct Restore {
        saved: *const Saved,
    }

    impl Restore {
        pub fn install() -> Option<Restore> {
            let termios = super::current_settings()?;
            let mut previous = Vec::new();
            for sig in crate::interrupt::signals() {
                // SAFETY: reads the current action of a valid signal number.
                unsafe {
                    let mut old: libc::sigaction = std::mem::zeroed();
                    if libc::sigaction(sig, std::ptr::null(), &mut old) == 0 {
                        previous.push((sig, old));
                    }
                }
            }
            // Leaked on purpose: a handler may still be running on another thread when the
            // prompt ends, and one prompt a run costs a few hundred bytes.
            let saved: *mut Saved = Box::into_raw(Box::new(Saved { termios, previous }));
            SAVED.store(saved, Ordering::SeqCst);
            // SAFETY: `saved` was just leaked and is never freed.
            for (sig, _) in unsafe { &(*saved).previous } {
                // SAFETY: installs a handler whose body is async-signal-safe.
                unsafe {
                    let mut action: libc::sigaction = std::mem::zeroed();
                    action.sa_sigaction = restore_then_reraise as *const () as usize;
                    libc::sigemptyset(&mut action.sa_mask);
                    libc::sigaction(*sig, &action, std::ptr::null_mut());
                }
            }
            Some(Restore { saved })
        }
    }

    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: `saved` is leaked and never freed; each action is one sigaction returned.
            unsafe {
                for (sig, old) in &(*self.saved).previous {
                    libc::sigaction(*sig, old, std::ptr::null_mut());
                }
            }
            let _ = SAVED.compare_exchange(
                self.saved as *mut Saved,
                std::ptr::null_mut(),
                Ordering::SeqCst,
                Ordering::SeqCst,
            );
        }
    }
}
