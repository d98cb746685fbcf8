//! What a process needs before anything else runs, done here rather than by Rust's own start-up
//! on glibc Linux (see main.rs): Rust's would also find the main thread's stack in
//! /proc/self/maps (about 0.1 ms and nine page faults, a tenth of a `whoami`) to tell a stack
//! overflow from another fault. Here a crash of either kind says so in one line.

/// Standard streams that were closed at exec are opened on /dev/null, before any file is: a
/// file opened later (a token file, a socket) must never take fd 1 and receive what is printed.
/// SIGPIPE is ignored: a reader that has gone is a failed write, which the program handles
/// (`| head` ends a batch with 0), not a silent death by signal.
#[cfg(unix)]
pub fn standard_streams_and_signals() {
    let mut fds = [0, 1, 2].map(|fd| libc::pollfd {
        fd,
        events: 0,
        revents: 0,
    });
    // SAFETY: poll reads and writes only the three entries it is given.
    let polled = unsafe { libc::poll(fds.as_mut_ptr(), 3, 0) } != -1;
    for pfd in fds {
        // SAFETY: fcntl(F_GETFD) only asks whether the descriptor is open.
        let closed = if polled {
            pfd.revents & libc::POLLNVAL != 0
        } else {
            (unsafe { libc::fcntl(pfd.fd, libc::F_GETFD) }) == -1
        };
        // The lowest free number is the closed one: open takes it.
        // SAFETY: the path is a NUL-terminated literal.
        if closed && unsafe { libc::open(c"/dev/null".as_ptr(), libc::O_RDWR) } != pfd.fd {
            std::process::abort();
        }
    }
    // SAFETY: setting a signal's disposition to SIG_IGN runs no code of ours.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    say_crashes();
}

/// A fault (a stack overflow: an expression or a document nested past what a recursive parser
/// takes; or a bug) prints one line on stderr before the process dies of it, from a stack of
/// its own: an overflowed stack has no room left for the handler. The memory is mapped, not
/// touched, until a fault uses it.
#[cfg(unix)]
fn say_crashes() {
    const STACK: usize = 64 << 10;
    // SAFETY: a fresh private anonymous mapping, handed to the kernel as this thread's signal
    // stack and never unmapped; the handler below only calls async-signal-safe functions.
    unsafe {
        let stack = libc::mmap(
            std::ptr::null_mut(),
            STACK,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        );
        if stack == libc::MAP_FAILED {
            return;
        }
        let alt = libc::stack_t {
            ss_sp: stack,
            ss_flags: 0,
            ss_size: STACK,
        };
        if libc::sigaltstack(&alt, std::ptr::null_mut()) != 0 {
            return;
        }
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = crashed as extern "C" fn(libc::c_int) as libc::sighandler_t;
        action.sa_flags = libc::SA_ONSTACK | libc::SA_RESETHAND;
        for signal in [libc::SIGSEGV, libc::SIGBUS] {
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// Says what happened, then lets the fault take its default course (SA_RESETHAND restored it):
/// returning re-runs the faulting instruction, which now ends the process by that signal.
#[cfg(unix)]
extern "C" fn crashed(_signal: libc::c_int) {
    const LINE: &[u8] = b"gsignin: error: crashed (a stack overflow or a memory fault: input or \
        an expression nested too deeply?); hint: this is a gsignin bug: please report it with \
        the command that caused it\n";
    // SAFETY: write(2) is async-signal-safe and LINE is a valid buffer.
    unsafe { libc::write(2, LINE.as_ptr().cast(), LINE.len()) };
}
