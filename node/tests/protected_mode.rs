//! Protected mode as Redis has it: with the default bind, no password and
//! `protected-mode yes`, a client from another host gets Redis's DENIED error and
//! is disconnected, while loopback clients are served; `CONFIG SET
//! protected-mode no` lets the remote client in. The remote client runs in a
//! network namespace this test creates (a veth pair on a /30 of our own); the
//! test says so and checks nothing where namespaces cannot be made (not root).

mod common;

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A network namespace joined to this one by a veth pair, removed on drop.
struct Netns {
    name: String,
    host_if: String,
}

impl Netns {
    fn create(tag: u32) -> Option<Netns> {
        let name = format!("slotd-pm-{tag}");
        let host_if = format!("slpm{}", tag % 100_000);
        let ns = Netns { name: name.clone(), host_if: host_if.clone() };
        let peer = format!("{host_if}p");
        let ok = [
            vec!["netns", "add", &name],
            vec!["link", "add", &host_if, "type", "veth", "peer", "name", &peer],
            vec!["link", "set", &peer, "netns", &name],
            vec!["addr", "add", "10.254.77.1/30", "dev", &host_if],
            vec!["link", "set", &host_if, "up"],
            vec!["netns", "exec", &name, "ip", "addr", "add", "10.254.77.2/30", "dev", &peer],
            vec!["netns", "exec", &name, "ip", "link", "set", &peer, "up"],
        ]
        .iter()
        .all(|args| {
            Command::new("ip").args(args).stderr(Stdio::null()).status().is_ok_and(|s| s.success())
        });
        ok.then_some(ns)
    }

    /// redis-cli run inside the namespace against the host side of the pair.
    fn redis_cli(&self, port: u16, args: &[&str]) -> String {
        let out = Command::new("ip")
            .args(["netns", "exec", &self.name, "redis-cli", "-h", "10.254.77.1", "-p"])
            .arg(port.to_string())
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr)
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        let _ = Command::new("ip").args(["link", "del", &self.host_if]).status();
        let _ = Command::new("ip").args(["netns", "del", &self.name]).status();
    }
}

#[test]
fn remote_clients_are_denied_until_protected_mode_is_off() {
    let Some(ns) = Netns::create(std::process::id()) else {
        eprintln!("protected-mode test skipped: cannot create a network namespace here");
        return;
    };
    // Default bind (all addresses), no password, protected mode on by default.
    let port = common::free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_slotd"))
        .args(["--port", &port.to_string(), "--shards", "1", "--loglevel", "warning"])
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let dir = std::env::temp_dir().join(format!("slotd-pm-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // Killed on drop, also when an assertion fails.
    let _server = common::Server { port, child, dir };
    let deadline = Instant::now() + Duration::from_secs(20);
    while common::redis_cli(port, &["PING"]) != "PONG\n" {
        assert!(Instant::now() < deadline, "slotd did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    let denied = ns.redis_cli(port, &["PING"]);
    assert!(denied.contains("DENIED Redis is running in protected mode"), "{denied}");
    assert_eq!(common::redis_cli(port, &["CONFIG", "SET", "protected-mode", "no"]), "OK\n");
    assert_eq!(ns.redis_cli(port, &["PING"]), "PONG\n");
}
