//! The binary: the library's program, run with this process's argv, environment and streams.
//!
//! On x86-64 glibc Linux the C runtime calls `main` below directly, without Rust's start-up,
//! which would read /proc/self/maps to find the main thread's stack (0.08 ms and nine page
//! faults, a tenth of a `whoami`; bench/run shows the whole). What of that start-up matters is
//! in `gsignin::start` (closed standard streams opened on /dev/null, SIGPIPE ignored), and a
//! panic still ends with 101. `tests/it/cli.rs` fails when a run reads /proc/self/maps again.
//! Every other target starts as Rust does. Either start first turns core files off and has a
//! crash say so in one line (`gsignin::start::crash_safety`).

#![cfg_attr(
    all(
        target_os = "linux",
        target_env = "gnu",
        target_arch = "x86_64",
        not(test)
    ),
    no_main
)]

#[cfg(all(
    target_os = "linux",
    target_env = "gnu",
    target_arch = "x86_64",
    not(test)
))]
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    gsignin::start::crash_safety();
    gsignin::start::standard_streams_and_signals();
    exit(std::panic::catch_unwind(gsignin::main).unwrap_or(101))
}

#[cfg(not(all(
    target_os = "linux",
    target_env = "gnu",
    target_arch = "x86_64",
    not(test)
)))]
fn main() {
    gsignin::start::crash_safety();
    exit(gsignin::main())
}

/// Everything is written and flushed by then; the status may be Windows' STATUS_CONTROL_C_EXIT,
/// which no u8 ExitCode can carry.
fn exit(code: i32) -> ! {
    std::process::exit(code)
}
