//! The binary: the library's program, run with this process's argv, environment and streams.
//!
//! On glibc Linux the C runtime calls `main` below directly, without Rust's start-up: what of
//! it matters is in `gsignin::start`, and a panic still ends with 101. A stack overflow ends
//! in SIGSEGV after one line saying so, rather than in an abort. (std reads argv itself on
//! glibc.) Either start first turns core files off and installs that line
//! (`gsignin::start::crash_safety`).

#![cfg_attr(all(target_os = "linux", target_env = "gnu", not(test)), no_main)]

#[cfg(all(target_os = "linux", target_env = "gnu", not(test)))]
#[unsafe(no_mangle)]
extern "C" fn main(
    _argc: std::ffi::c_int,
    _argv: *const *const std::ffi::c_char,
) -> std::ffi::c_int {
    gsignin::start::crash_safety();
    gsignin::start::standard_streams_and_signals();
    exit(std::panic::catch_unwind(gsignin::main).unwrap_or(101))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu", not(test))))]
fn main() {
    gsignin::start::crash_safety();
    exit(gsignin::main())
}

/// Everything is written and flushed by then; the status may be Windows' STATUS_CONTROL_C_EXIT,
/// which no u8 ExitCode can carry.
fn exit(code: i32) -> ! {
    std::process::exit(code)
}
