//! A thread's own stack for signal handlers: the overflow handler (`start`) runs on it, on
//! the main thread, the deep-stack thread (`deep`) and the batch's threads alike. Where the
//! binary starts without Rust's start-up (main.rs) no thread gets one otherwise, and a thread
//! without one that overflows its stack dies without its line.

/// Gives the calling thread a stack for signal handlers (each thread needs its own): false if
/// none could be mapped. The memory is mapped, not touched, until a fault uses it, and stays
/// mapped: the thread may be faulting on it when it would be unmapped.
#[cfg(unix)]
pub(crate) fn signal_stack() -> bool {
    const STACK: usize = 64 << 10;
    // SAFETY: a fresh private anonymous mapping, handed to the kernel as this thread's signal
    // stack and never unmapped.
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
            return false;
        }
        let alt = libc::stack_t {
            ss_sp: stack,
            ss_flags: 0,
            ss_size: STACK,
        };
        libc::sigaltstack(&alt, std::ptr::null_mut()) == 0
    }
}
