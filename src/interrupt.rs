//! Every signal that would end the process (SIGINT, SIGTERM, SIGHUP, SIGQUIT) held off while a
//! spent code's tokens, or a rotated refresh token, are on their way to the store: the signal
//! is remembered and acted on once the guard is dropped, so Ctrl-C, a kill, a closed terminal
//! or a dropped SSH session never lands between "the code is spent" and "the tokens are
//! stored".
//!
//! Signals go to whichever thread does not block them (the HTTP client has threads of its
//! own), so a per-thread mask cannot do this: the guard swaps the process's handlers for one
//! that only takes note, and on drop puts the previous handlers back and raises what arrived.

#[cfg(unix)]
mod imp {
    use std::sync::atomic::{AtomicI32, Ordering};

    /// The signal that arrived while held (0: none).
    static PENDING: AtomicI32 = AtomicI32::new(0);

    extern "C" fn note(sig: libc::c_int) {
        PENDING.store(sig, Ordering::SeqCst);
    }

    /// The signals whose default action ends the process and that a user or a terminal sends.
    pub const SIGNALS: [libc::c_int; 4] =
        [libc::SIGINT, libc::SIGTERM, libc::SIGHUP, libc::SIGQUIT];

    /// How many holds are alive, and the actions the first one replaced: holds may overlap
    /// (threads of one process), and only the last one to end puts the actions back.
    static HOLDS: std::sync::Mutex<(usize, Vec<(libc::c_int, libc::sigaction)>)> =
        std::sync::Mutex::new((0, Vec::new()));

    pub struct Held;

    impl Held {
        pub fn new() -> Held {
            let mut holds = HOLDS.lock().unwrap_or_else(|p| p.into_inner());
            if holds.0 == 0 {
                PENDING.store(0, Ordering::SeqCst);
                holds.1.clear();
                for sig in SIGNALS {
                    // SAFETY: sigaction with a zeroed struct naming an async-signal-safe
                    // handler (one atomic store); the old action is kept to be put back.
                    unsafe {
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
            PENDING.load(Ordering::SeqCst) != 0
        }
    }

    impl Drop for Held {
        fn drop(&mut self) {
            let mut holds = HOLDS.lock().unwrap_or_else(|p| p.into_inner());
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
            drop(holds);
            let sig = PENDING.swap(0, Ordering::SeqCst);
            if sig != 0 {
                // SAFETY: raising a signal the user sent, now that the previous handler is back.
                unsafe {
                    libc::raise(sig);
                }
            }
        }
    }
}

#[cfg(unix)]
pub use imp::SIGNALS;

/// While alive, SIGINT, SIGTERM, SIGHUP and SIGQUIT wait; dropped, they take effect as they
/// would have.
pub struct Held {
    #[cfg(unix)]
    _inner: imp::Held,
}

impl Held {
    pub fn new() -> Held {
        Held {
            #[cfg(unix)]
            _inner: imp::Held::new(),
        }
    }

    /// Ends the hold: when a signal arrived, `say` runs first (the work it waited for is
    /// done, and the user should hear so), then the signal takes effect.
    pub fn release(self, say: impl FnOnce()) {
        #[cfg(unix)]
        if self._inner.pending() {
            say();
        }
        #[cfg(not(unix))]
        let _ = say;
    }
}

impl Default for Held {
    fn default() -> Self {
        Self::new()
    }
}
