//! Makes sure no server outlives the harness. Every child process is spawned
//! and registered here; normal exits and panics stop children through their
//! owners' `Drop` guards, and a signal handler thread kills whatever is
//! registered on SIGINT, SIGTERM or SIGHUP (which skip destructors), then exits.

use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::{Mutex, MutexGuard};

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
use signal_hook::iterator::Signals;

/// A running child: process id and a scratch directory to remove with it.
type Running = (u32, Option<PathBuf>);

static CHILDREN: Mutex<Vec<Running>> = Mutex::new(Vec::new());

/// Starts the thread that kills registered children when a signal arrives.
pub fn install_signal_handler() -> std::io::Result<()> {
    let mut signals = Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::spawn(move || {
        if let Some(sig) = signals.forever().next() {
            eprintln!("slotd-bench: signal {sig}, stopping servers");
            // The lock is held until exit, so nothing more is spawned meanwhile.
            let mut children = lock();
            stop(std::mem::take(&mut *children));
            std::process::exit(128 + sig);
        }
    });
    Ok(())
}

/// Spawns `cmd` and records the child (and its scratch directory `dir`), both
/// under the lock, so that a signal arriving meanwhile finds the child registered.
pub fn spawn(cmd: &mut Command, dir: Option<PathBuf>) -> std::io::Result<Child> {
    let mut children = lock();
    let child = cmd.spawn()?;
    children.push((child.id(), dir));
    Ok(child)
}

/// Forgets a child its owner stops (or has reaped) itself.
pub fn unregister(pid: u32) {
    lock().retain(|(p, _)| *p != pid);
}

fn lock() -> MutexGuard<'static, Vec<Running>> {
    // A panic while holding the lock leaves the list intact; keep using it.
    CHILDREN.lock().unwrap_or_else(|e| e.into_inner())
}

/// Kills `children`, reaps them (so no zombie is left; an owner that reaps
/// first makes waitpid fail with ECHILD, which is harmless) and removes their
/// directories.
fn stop(children: Vec<Running>) {
    for &(pid, _) in &children {
        // SAFETY: kill(2) on a child we spawned and whose owner has not reaped it.
        unsafe { libc::kill(pid as libc::pid_t, libc::SIGKILL) };
    }
    for (pid, dir) in children {
        // SAFETY: waitpid(2) on our own child, with no status pointer.
        unsafe { libc::waitpid(pid as libc::pid_t, std::ptr::null_mut(), 0) };
        if let Some(dir) = dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
