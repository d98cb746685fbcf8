//! The binary: the library's program, run with this process's argv, environment and streams.
//! Rust's own start-up runs first (closed standard streams opened on /dev/null, SIGPIPE
//! ignored); then, before anything else, core files are turned off and a crash says so in one
//! line (`gsignin::start::crash_safety`).

fn main() {
    gsignin::start::crash_safety();
    // Everything is written and flushed by then; the status may be Windows'
    // STATUS_CONTROL_C_EXIT, which no u8 ExitCode can carry.
    std::process::exit(gsignin::main())
}
