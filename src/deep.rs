//! Work whose depth outside input decides (jq's parser and evaluator, on the user's expression
//! and the API's answer: `def f: 1 + f; f`, or a value built a million levels deep) runs on a
//! thread of its own with a large stack. When that stack overflows, the process ends with the
//! error prepared for it (one line, the contract's exit code), not with a crash: the fault
//! handler (in start.rs) calls [`end_if_overflowed`], which needs only async-signal-safe
//! calls. No counter of depth could do this: jaq's evaluator recurses with no hook to count in.
//!
//! One such thread per process is guarded (the binary runs one); another one (gsignin's tests
//! run many commands in one process) still gets the large stack.

use std::sync::atomic::{AtomicBool, AtomicPtr, AtomicU8, AtomicUsize, Ordering};

/// The stack of the thread: 16 times the main thread's 8 MiB, far more than any jq program
/// people write takes (jaq takes a few kilobytes a level, unoptimised), and reserved, not
/// used: an endless recursion touches all of it before it overflows, and no more.
pub const STACK: usize = 128 << 20;

/// How far below the stack a fault still counts as its overflow: the guard page, and what a
/// frame larger than it reaches.
const BELOW: usize = 1 << 20;

/// How the process ends when the thread's stack overflows: what it writes on each stream, then
/// its exit code.
#[cfg_attr(not(unix), allow(dead_code))]
pub struct Ending {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub code: i32,
}

/// The guarded thread's stack (and what lies just below it), as [low, high).
static ZONE: [AtomicUsize; 2] = [AtomicUsize::new(0), AtomicUsize::new(0)];
static TAKEN: AtomicBool = AtomicBool::new(false);
static ENDING: AtomicPtr<Ending> = AtomicPtr::new(std::ptr::null_mut());

/// Whether the owner is writing what the thread produced: the process must not end in the
/// middle of a line.
static GATE: AtomicU8 = AtomicU8::new(IDLE);
const IDLE: u8 = 0;
const WRITING: u8 = 1;
#[cfg(unix)]
const ENDED: u8 = 2;

/// The owner's side of the thread.
pub struct Guard {
    /// Whether this thread is the guarded one.
    guarded: bool,
}

/// Runs `work` on a thread with a [`STACK`]-sized stack; if that stack overflows, the process
/// ends as `ending` says (until [`Guard::on_overflow`] says otherwise).
pub fn spawn(
    name: &str,
    ending: Ending,
    work: impl FnOnce() + Send + 'static,
) -> std::io::Result<Guard> {
    let guarded = !TAKEN.swap(true, Ordering::AcqRel);
    let guard = Guard { guarded };
    guard.on_overflow(ending);
    std::thread::Builder::new()
        .name(name.into())
        .stack_size(STACK)
        .spawn(move || {
            if guarded {
                let here = 0u8;
                let top = std::hint::black_box(&here) as *const u8 as usize;
                ZONE[0].store(top.saturating_sub(STACK + BELOW), Ordering::Release);
                ZONE[1].store(top, Ordering::Release);
                #[cfg(unix)]
                crate::sigstack::signal_stack();
            }
            work();
        })?;
    Ok(guard)
}

impl Guard {
    /// From now on an overflow ends the process as `ending` says.
    pub fn on_overflow(&self, ending: Ending) {
        if self.guarded {
            // The one it replaces is leaked: the handler may be reading it.
            ENDING.store(Box::into_raw(Box::new(ending)), Ordering::Release);
        }
    }

    /// Runs `write` (the owner writing out what the thread produced) so that an overflow
    /// meanwhile ends the process only once it is done; after an overflow, waits for that end.
    pub fn writing<R>(&self, write: impl FnOnce() -> R) -> R {
        if !self.guarded {
            return write();
        }
        while GATE
            .compare_exchange(IDLE, WRITING, Ordering::AcqRel, Ordering::Acquire)
            .is_err()
        {
            std::thread::sleep(std::time::Duration::from_secs(1));
        }
        // Open again however `write` ends (a panic included): an overflow must not wait forever.
        struct Open;
        impl Drop for Open {
            fn drop(&mut self) {
                GATE.store(IDLE, Ordering::Release);
            }
        }
        let _open = Open;
        write()
    }
}

/// Called by the fault handler with the faulting address: when it is the guarded thread's
/// stack overflowing, ends the process as prepared, once the owner has finished the write it
/// is in. Returns otherwise. Async-signal-safe: atomics, nanosleep, write and _exit.
#[cfg(unix)]
pub fn end_if_overflowed(address: usize) {
    let (low, high) = (
        ZONE[0].load(Ordering::Acquire),
        ZONE[1].load(Ordering::Acquire),
    );
    let ending = ENDING.load(Ordering::Acquire);
    if !(low..high).contains(&address) || ending.is_null() {
        return;
    }
    let pause = libc::timespec {
        tv_sec: 0,
        tv_nsec: 1_000_000,
    };
    while GATE
        .compare_exchange(IDLE, ENDED, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        // SAFETY: nanosleep reads the struct it is given.
        unsafe { libc::nanosleep(&pause, std::ptr::null_mut()) };
    }
    // SAFETY: `ending` was leaked by `on_overflow` and is never freed.
    let ending = unsafe { &*ending };
    write_all(1, &ending.stdout);
    write_all(2, &ending.stderr);
    // SAFETY: _exit ends the process at once; nothing of it runs afterwards.
    unsafe { libc::_exit(ending.code) };
}

#[cfg(unix)]
fn write_all(fd: libc::c_int, mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: write reads at most `bytes.len()` bytes of a valid buffer.
        let n = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
        match n {
            n if n > 0 => bytes = &bytes[n as usize..],
            _ if std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted => {}
            _ => return,
        }
    }
}
