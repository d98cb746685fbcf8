//! What a process needs before anything else runs, done here rather than by Rust's own start-up
//! on glibc Linux (see main.rs): Rust's would also find the main thread's stack in
//! /proc/self/maps and map a signal stack, about 0.1 ms and nine page faults, a tenth of a
//! `whoami`, for a nicer message on a stack overflow.

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
}
