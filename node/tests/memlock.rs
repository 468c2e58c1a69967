//! slotd starts under a normal 8 MiB RLIMIT_MEMLOCK as an unprivileged user, and
//! says what to raise when the limit is too low. Needs root to drop privileges
//! (setpriv); elsewhere the test says so and checks nothing.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn unprivileged_copy() -> Option<std::path::PathBuf> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 || Command::new("setpriv").arg("--help").output().is_err() {
        eprintln!("memlock test skipped: needs root and setpriv to run slotd as nobody");
        return None;
    }
    let dir = std::env::temp_dir().join(format!("slotd-memlock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    let bin = dir.join("slotd");
    std::fs::copy(env!("CARGO_BIN_EXE_slotd"), &bin).unwrap();
    std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
    Some(bin)
}

fn as_nobody(bin: &std::path::Path, memlock_kib: u64, args: &str) -> Command {
    let mut c = Command::new("setpriv");
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "bash", "-c"])
        .arg(format!("ulimit -l {memlock_kib} && exec {} {args}", bin.display()));
    c
}

#[test]
fn starts_unprivileged_under_8_mib_and_explains_a_low_limit() {
    let Some(bin) = unprivileged_copy() else { return };
    let port = common::free_port();
    let mut child = as_nobody(&bin, 8192, &format!("--port {port} --bind 127.0.0.1 --shards 2"))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut answered = String::new();
    while Instant::now() < deadline && answered != "PONG\n" {
        answered = common::redis_cli(port, &["PING"]);
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        answered,
        "PONG\n",
        "slotd did not serve under an 8 MiB memlock limit: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = as_nobody(&bin, 256, "--port 0 --shards 2").output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(err.contains("RLIMIT_MEMLOCK") && err.contains("ulimit -l 1024"), "{err}");
    let _ = std::fs::remove_dir_all(bin.parent().unwrap());
}
