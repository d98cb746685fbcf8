//! What a process needs before anything else runs: no core file, whatever happens, and a
//! crash that says so in one line ([`crash_safety`], the first call of either `main`); and,
//! where the binary starts without Rust's start-up (main.rs), what of it matters
//! ([`standard_streams_and_signals`]).

/// First thing in either `main`: from here on a crash leaves no core file and says so in one
/// line.
pub fn crash_safety() {
    #[cfg(unix)]
    {
        no_core_dumps();
        say_crashes();
    }
}

/// The core-file limit gsignin started with, for the programs it starts.
#[cfg(unix)]
static FOUND_CORE_LIMIT: std::sync::OnceLock<(libc::rlim_t, libc::rlim_t)> =
    std::sync::OnceLock::new();

/// Once a token, a code or the client secret is in memory, a core file would hold it (a crash
/// once dumped the refresh token, the access token and the client secret), and core files go
/// where the secrets' 0600 files do not: the working directory, a crash reporter's spool.
/// The soft RLIMIT_CORE is set to 0, as ssh-agent does: the kernel then writes no core file,
/// and a handler that core_pattern pipes to (systemd-coredump) is told the limit and honours it.
/// Not prctl(PR_SET_DUMPABLE, 0), ssh-agent's other means on Linux: it also hands /proc/PID/
/// (fd, maps, environ) to root and refuses ptrace to the same user, which users debugging gsignin
/// (`strace -p`) and gsignin's own tests read, and which gives nothing against the same user, who
/// reads the token store anyway (SECURITY.md). The hard limit is kept, so that a program gsignin
/// starts (the browser) gets the limit back ([`core_limit_as_found`]).
#[cfg(unix)]
fn no_core_dumps() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit and setrlimit read and write only the struct they are given.
    if unsafe { libc::getrlimit(libc::RLIMIT_CORE, &mut limit) } != 0 {
        // Unknown: a hard limit of 0 lowers whatever it is (and nothing gets it back).
        limit.rlim_max = 0;
    } else {
        let _ = FOUND_CORE_LIMIT.set((limit.rlim_cur, limit.rlim_max));
    }
    limit.rlim_cur = 0;
    // SAFETY: as above.
    unsafe { libc::setrlimit(libc::RLIMIT_CORE, &limit) };
}

/// A program gsignin starts (the browser) starts with the core-file limit gsignin was given,
/// not gsignin's own 0: that is for gsignin's secrets, not a policy for the browser.
#[cfg(unix)]
pub fn core_limit_as_found(cmd: &mut std::process::Command) {
    use std::os::unix::process::CommandExt;
    let Some(&(rlim_cur, rlim_max)) = FOUND_CORE_LIMIT.get().filter(|(soft, _)| *soft != 0) else {
        return;
    };
    let limit = libc::rlimit { rlim_cur, rlim_max };
    // SAFETY: between fork and exec the closure only calls setrlimit, one system call on a
    // struct it owns.
    unsafe {
        cmd.pre_exec(move || {
            libc::setrlimit(libc::RLIMIT_CORE, &limit);
            Ok(())
        });
    }
}

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

/// A fault (a bug) prints one line on stderr before the process dies of it, from a stack of its
/// own: an overflowed stack has no room left for the handler. A stack overflow of jq's thread is
/// no crash: it ends the run with the error prepared for it (`crate::deep`).
#[cfg(unix)]
fn say_crashes() {
    if !crate::sigstack::signal_stack() {
        return;
    }
    // SAFETY: the handler below only calls async-signal-safe functions; sigaction reads the
    // struct it is given.
    unsafe {
        let mut action: libc::sigaction = std::mem::zeroed();
        action.sa_sigaction = crashed
            as extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void)
            as libc::sighandler_t;
        action.sa_flags = libc::SA_ONSTACK | libc::SA_RESETHAND | libc::SA_SIGINFO;
        for signal in [libc::SIGSEGV, libc::SIGBUS] {
            libc::sigaction(signal, &action, std::ptr::null_mut());
        }
    }
}

/// Says what happened, then lets the fault take its default course (SA_RESETHAND restored it):
/// returning re-runs the faulting instruction, which now ends the process by that signal. A
/// signal sent with kill(2) faulted nothing, so it is raised again.
#[cfg(unix)]
extern "C" fn crashed(signal: libc::c_int, info: *mut libc::siginfo_t, _: *mut libc::c_void) {
    const LINE: &[u8] = b"gsignin: error: crashed (a memory fault or a stack overflow); hint: \
        this is a gsignin bug: please report it with the command that caused it\n";
    // SAFETY: the kernel hands the handler a valid siginfo_t; si_addr is meaningful for a fault,
    // which is all it is read for.
    let fault = unsafe { (*info).si_code };
    // A fault's codes are small and positive (SEGV_MAPERR, BUS_ADRERR, SI_KERNEL); kill(2)'s
    // SI_USER is 0 on Linux and 0x10001 on the BSDs and macOS, sigqueue's and tkill's negative.
    let faulted = fault > 0 && fault < 0x10000;
    if faulted {
        // SAFETY: as above.
        crate::deep::end_if_overflowed(unsafe { (*info).si_addr() } as usize);
    }
    // SAFETY: write(2) and raise(3) are async-signal-safe and LINE is a valid buffer.
    unsafe {
        libc::write(2, LINE.as_ptr().cast(), LINE.len());
        if !faulted {
            libc::raise(signal);
        }
    }
}
