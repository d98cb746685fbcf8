//! Puts the git commit into `gsignin --version` (long form), so a bug report says exactly
//! which build it came from: in a git checkout, its HEAD; built from a package (`cargo install
//! gsignin`, a release, `cargo package`), which holds no `.git`, the commit `cargo package`
//! recorded in `.cargo_vcs_info.json`. Otherwise "unknown".

use std::path::Path;
use std::process::Command;

fn main() {
    let dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into());
    let dir = Path::new(&dir);
    let commit = packaged_commit(dir)
        .or_else(|| checkout_commit(dir))
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=GSIGNIN_GIT_COMMIT={commit}");
    // A new commit moves HEAD's log; a checkout moves HEAD itself.
    for path in [".cargo_vcs_info.json", ".git/HEAD", ".git/logs/HEAD"] {
        if dir.join(path).exists() {
            println!("cargo:rerun-if-changed={path}");
        }
    }
    println!("cargo:rerun-if-changed=build.rs");
    static_unwinder();
}

/// On x86-64 Linux the unwinder (panics, `catch_unwind`) is linked in from GCC's libgcc_eh.a
/// instead of loaded from libgcc_s.so.1, as `gcc -static-libgcc` does: loading that library
/// runs its CPU probe, twelve CPUID instructions, each a trap to the hypervisor on a virtual
/// machine (6.7 µs apiece here), a tenth of a `whoami`. Rust names the library `gcc_s`; a
/// folder searched first holds libgcc_eh.a under that name. This package's tests link the
/// same way, so the unwinder they exercise is the one shipped. Without GCC's file (another C
/// compiler, a cross build) nothing changes.
fn static_unwinder() {
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    println!("cargo:rerun-if-env-changed=CC");
    if var("TARGET") != "x86_64-unknown-linux-gnu" || var("HOST") != var("TARGET") {
        return;
    }
    let cc = Some(var("CC"))
        .filter(|c| !c.is_empty())
        .unwrap_or_else(|| "cc".into());
    let Some(eh) = Command::new(cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .map(std::path::PathBuf::from)
        .filter(|p| p.is_absolute() && p.is_file())
    else {
        return;
    };
    let dir = Path::new(&var("OUT_DIR")).join("static-unwinder");
    let lib = dir.join("libgcc_s.a");
    let _ = std::fs::create_dir_all(&dir);
    let _ = std::fs::remove_file(&lib);
    if std::fs::copy(&eh, &lib).is_ok() {
        println!("cargo:rustc-link-search=native={}", dir.display());
    }
}

/// The commit a package was made from: `.cargo_vcs_info.json`'s `"git": {"sha1": "..."}`.
/// Only `cargo package` writes that file, so it is never there in a checkout.
fn packaged_commit(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".cargo_vcs_info.json")).ok()?;
    let sha1 = text.split_once("\"sha1\"")?.1.split('"').nth(1)?;
    (sha1.len() >= 12 && sha1.bytes().all(|b| b.is_ascii_hexdigit())).then(|| sha1[..12].into())
}

/// HEAD of the checkout this package is tracked in. A package unpacked inside some other
/// repository (under `target/package/`, a vendor folder) is not tracked there: its commit is
/// not that repository's.
fn checkout_commit(dir: &Path) -> Option<String> {
    let git = |args: &[&str]| {
        Command::new("git")
            .args(args)
            .current_dir(dir)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    git(&["ls-files", "--error-unmatch", "--", "Cargo.toml"])?;
    git(&["rev-parse", "--short=12", "HEAD"]).filter(|c| !c.is_empty())
}
