//! The binary: the library's program, run with this process's argv, environment and streams.

fn main() {
    // Everything is written and flushed by then; the status may be Windows' STATUS_CONTROL_C_EXIT,
    // which no u8 ExitCode can carry.
    std::process::exit(gsignin::main())
}
