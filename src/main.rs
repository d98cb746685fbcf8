//! The binary: the library's program, run with this process's argv, environment and streams.

fn main() -> std::process::ExitCode {
    gsignin::main()
}
