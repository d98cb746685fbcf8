//! Every signal that would end the process held off while a spent code's tokens, or a rotated
//! refresh token, are on their way to the store: Ctrl-C, a kill, a closed terminal or a
//! dropped SSH session never lands between "the code is spent" and "the tokens are stored".
//!
//! Signals go to whichever thread does not block them (the HTTP client has threads of its
//! own), so a per-thread mask cannot do this: a hold swaps the process's handlers for one that
//! only takes note, and puts the previous handlers back when the last hold ends. A signal that
//! arrived meanwhile is deferred, not raised there: the command still says what it did (the
//! sign-in it stored, or the rescue file it wrote and why), and the binary raises the signal
//! once everything is printed ([`raise_deferred`]), so the process still ends as the signal
//! ends it.

/// What both platforms note: the first signal (or console event) of a hold, and the one a hold
/// that ended leaves to be raised once the command's output is written (0: none).
#[cfg(any(unix, windows))]
mod noted {
    use std::sync::atomic::{AtomicI32, Ordering};

    static PENDING: AtomicI32 = AtomicI32::new(0);
    static DEFERRED: AtomicI32 = AtomicI32::new(0);

    /// Keeps the first: a later Ctrl-C must not turn a kill into a normal stop. Async-signal
    /// safe (one atomic operation).
    pub fn note(what: i32) {
        let _ = PENDING.compare_exchange(0, what, Ordering::SeqCst, Ordering::SeqCst);
    }

    /// A new hold starts with nothing noted.
    pub fn clear_pending() {
        PENDING.store(0, Ordering::SeqCst);
    }

    /// The last hold ended: what it noted waits to be raised.
    pub fn defer_pending() {
        let what = PENDING.swap(0, Ordering::SeqCst);
        if what != 0 {
            DEFERRED.store(what, Ordering::SeqCst);
        }
    }

    pub fn pending_now() -> bool {
        PENDING.load(Ordering::SeqCst) != 0
    }

    pub fn take_deferred() -> Option<i32> {
        Some(DEFERRED.swap(0, Ordering::SeqCst)).filter(|s| *s != 0)
    }

    pub fn peek_deferred() -> Option<i32> {
        Some(DEFERRED.load(Ordering::SeqCst)).filter(|s| *s != 0)
    }
}

#[cfg(unix)]
mod imp {
    use super::noted;
    pub use noted::{peek_deferred, pending_now, take_deferred};

    extern "C" fn note(sig: libc::c_int) {
        noted::note(sig);
    }

    /// Every signal whose default action ends the process: a user (Ctrl-C, Ctrl-\), a
    /// terminal that closes, `kill` with any name or number, a timer, a resource limit, the
    /// real-time ones. Not the faults (SEGV, BUS, FPE, ILL), which a handler that returns
    /// would only repeat.
    pub fn signals() -> Vec<libc::c_int> {
        let mut all = vec![
            libc::SIGINT,
            libc::SIGTERM,
            libc::SIGHUP,
            libc::SIGQUIT,
            libc::SIGUSR1,
            libc::SIGUSR2,
            libc::SIGALRM,
            libc::SIGVTALRM,
            libc::SIGPROF,
            libc::SIGXCPU,
            libc::SIGXFSZ,
            libc::SIGABRT,
            libc::SIGTRAP,
            libc::SIGSYS,
        ];
        #[cfg(target_os = "linux")]
        {
            all.extend([libc::SIGIO, libc::SIGPWR, libc::SIGSTKFLT]);
            all.extend(libc::SIGRTMIN()..=libc::SIGRTMAX());
        }
        all
    }

    /// How many holds are alive, and the actions the first one replaced: holds may overlap
    /// (threads of one process), and only the last one to end puts the actions back.
    static HOLDS: std::sync::Mutex<(usize, Vec<(libc::c_int, libc::sigaction)>)> =
        std::sync::Mutex::new((0, Vec::new()));

    pub struct Held;

    impl Held {
        pub fn new() -> Held {
            let mut holds = HOLDS
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if holds.0 == 0 {
                noted::clear_pending();
                holds.1.clear();
                for sig in signals() {
                    // SAFETY: sigaction with a zeroed struct naming an async-signal-safe
                    // handler (one atomic store); the old action is kept to be put back.
                    unsafe {
                        // A signal ignored when gsignin started (SIGINT for a job started with
                        // `&` by a script, nohup's SIGHUP) stays ignored: it would not have
                        // ended the process, so it must not end it late either.
                        let mut current: libc::sigaction = std::mem::zeroed();
                        if libc::sigaction(sig, std::ptr::null(), &mut current) == 0
                            && current.sa_sigaction == libc::SIG_IGN
                        {
                            continue;
                        }
                        let mut action: libc::sigaction = std::mem::zeroed();
                        action.sa_sigaction = note as *const () as usize;
                        libc::sigemptyset(&mut action.sa_mask);
                        let mut old: libc::sigaction = std::mem::zeroed();
                        if libc::sigaction(sig, &action, &mut old) == 0 {
                            holds.1.push((sig, old));
                        }
                    }
                }
            }
            holds.0 += 1;
            Held
        }

        /// Whether a signal arrived while held.
        pub fn pending(&self) -> bool {
            noted::pending_now()
        }
    }

    impl Drop for Held {
        fn drop(&mut self) {
            let mut holds = HOLDS
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            holds.0 -= 1;
            if holds.0 > 0 {
                return;
            }
            for (sig, old) in holds.1.drain(..) {
                // SAFETY: puts back the action sigaction returned for this signal.
                unsafe {
                    libc::sigaction(sig, &old, std::ptr::null_mut());
                }
            }
            noted::defer_pending();
        }
    }

    pub fn raise(sig: i32) -> Option<i32> {
        // SAFETY: raising a signal the user sent, with its previous action back in place.
        unsafe {
            libc::raise(sig);
        }
        None
    }
}

/// Windows has no signals: a console sends Ctrl-C, Ctrl-Break, close, logoff and shutdown
/// events to a handler (SetConsoleCtrlHandler). A hold installs one that takes note and says
/// "handled", so the process goes on until the tokens are stored. A close, logoff or shutdown
/// ends the process once the handler returns whatever it says, so for those the handler waits
/// for the hold to end (Windows allows about five seconds) before returning.
#[cfg(windows)]
mod imp {
    use super::noted;
    pub use noted::{peek_deferred, pending_now, take_deferred};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use windows_sys::Win32::Foundation::TRUE;
    use windows_sys::Win32::System::Console::{
        CTRL_BREAK_EVENT, CTRL_C_EVENT, SetConsoleCtrlHandler,
    };
    use windows_sys::core::BOOL;

    static HOLDS: AtomicUsize = AtomicUsize::new(0);

    unsafe extern "system" fn note(event: u32) -> BOOL {
        // The event plus one: Ctrl-C is event 0, and 0 means none.
        noted::note(event as i32 + 1);
        if event != CTRL_C_EVENT && event != CTRL_BREAK_EVENT {
            // The process ends when this returns: let the hold finish first.
            let deadline = std::time::Instant::now() + std::time::Duration::from_millis(4500);
            while HOLDS.load(Ordering::SeqCst) > 0 && std::time::Instant::now() < deadline {
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
        TRUE
    }

    pub struct Held;

    impl Held {
        pub fn new() -> Held {
            if HOLDS.fetch_add(1, Ordering::SeqCst) == 0 {
                noted::clear_pending();
                // SAFETY: registers a handler that only touches atomics and sleeps.
                unsafe {
                    SetConsoleCtrlHandler(Some(note), TRUE);
                }
            }
            Held
        }

        pub fn pending(&self) -> bool {
            noted::pending_now()
        }
    }

    impl Drop for Held {
        fn drop(&mut self) {
            if HOLDS.fetch_sub(1, Ordering::SeqCst) != 1 {
                return;
            }
            // SAFETY: removes the handler registered above.
            unsafe {
                SetConsoleCtrlHandler(Some(note), 0);
            }
            noted::defer_pending();
        }
    }

    /// The status an interrupted console program ends with (STATUS_CONTROL_C_EXIT), for the
    /// binary to exit with: Windows has no signal to raise.
    pub fn raise(_event: i32) -> Option<i32> {
        Some(0xC000_013A_u32 as i32)
    }
}

#[cfg(unix)]
pub use imp::signals;

/// Whether a signal arrived during the hold in force: what waits on something that may never
/// come (another process's lock) stops waiting, so the tokens are rescued at once.
pub fn pending_now() -> bool {
    #[cfg(any(unix, windows))]
    return imp::pending_now();
    #[cfg(not(any(unix, windows)))]
    false
}

/// While alive, every signal in [`signals`] waits; once the last hold ends, one that arrived is
/// deferred until [`raise_deferred`].
pub struct Held {
    #[cfg(any(unix, windows))]
    _inner: imp::Held,
}

impl Held {
    pub fn new() -> Held {
        Held {
            #[cfg(any(unix, windows))]
            _inner: imp::Held::new(),
        }
    }

    /// Ends the hold: when a signal arrived, `say` runs (the work it waited for is done, and
    /// the user should hear so); the signal takes effect at [`raise_deferred`].
    pub fn release(self, say: impl FnOnce()) {
        #[cfg(any(unix, windows))]
        if self._inner.pending() {
            say();
        }
        #[cfg(not(any(unix, windows)))]
        let _ = say;
    }
}

impl Default for Held {
    fn default() -> Self {
        Self::new()
    }
}

/// The signal waiting to take effect, if any (a command that serves on, like `receive`,
/// stops at the next chance).
pub fn peek_deferred() -> Option<i32> {
    #[cfg(any(unix, windows))]
    return imp::peek_deferred();
    #[cfg(not(any(unix, windows)))]
    None
}

/// Takes the waiting signal, if any, for a command that handles it itself (`receive` stops on
/// Ctrl-C as a normal end).
pub fn take_deferred() -> Option<i32> {
    #[cfg(any(unix, windows))]
    return imp::take_deferred();
    #[cfg(not(any(unix, windows)))]
    None
}

/// Raises the signal that waited, once the run's output is written: the process ends as the
/// signal would have ended it (on Windows, the exit status to end with is returned). Only the binary calls this; runs inside a program (the tests,
/// `demo`'s steps) leave a signal where it is.
pub fn raise_deferred() -> Option<i32> {
    #[cfg(any(unix, windows))]
    if let Some(sig) = imp::take_deferred() {
        return imp::raise(sig);
    }
    None
}
