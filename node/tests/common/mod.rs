//! Test support: start real `slotd` and `redis-server` processes on free ports,
//! wait until they answer, and stop them when the test ends.
#![allow(dead_code)]

pub mod cluster;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A free TCP port on 127.0.0.1 (the kernel's pick; the listener is closed
/// before returning, so a later bind can still race, which start() retries).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A running server process, killed when dropped.
pub struct Server {
    pub port: u16,
    pub child: Child,
    pub dir: PathBuf,
}

impl Server {
    /// `redis://127.0.0.1:port/`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/", self.port)
    }

    /// A connection from the `redis` crate.
    pub fn conn(&self) -> redis::Connection {
        redis::Client::open(self.url()).unwrap().get_connection().unwrap()
    }

    /// A raw TCP connection.
    pub fn raw(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        s
    }

    /// Waits for the process to exit on its own, up to `timeout`.
    pub fn wait_exit(&mut self, timeout: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + timeout;
        while Instant::now() < deadline {
            if let Some(st) = self.child.try_wait().unwrap() {
                return Some(st);
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        None
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn temp_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!(
        "slotd-test-{}-{}-{}",
        tag,
        std::process::id(),
        free_port()
    ));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Waits until something answers PING on `port`, or panics after 20 s.
fn wait_ready(port: u16, child: &mut Child) -> bool {
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        if let Some(st) = child.try_wait().unwrap() {
            eprintln!("server exited early: {st}");
            return false;
        }
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", port)) {
            s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            if s.write_all(b"PING\r\n").is_ok() {
                let mut buf = [0u8; 64];
                if let Ok(n) = s.read(&mut buf) {
                    if buf[..n].starts_with(b"+PONG") || buf[..n].starts_with(b"-NOAUTH") {
                        return true;
                    }
                }
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    false
}

fn start(tag: &str, program: &str, args: &dyn Fn(u16, &PathBuf) -> Vec<String>) -> Server {
    start_on(tag, program, None, args)
}

/// [`start`] on `port` when given (one attempt), else on a free port.
fn start_on(
    tag: &str,
    program: &str,
    fixed_port: Option<u16>,
    args: &dyn Fn(u16, &PathBuf) -> Vec<String>,
) -> Server {
    for _attempt in 0..5 {
        let port = fixed_port.unwrap_or_else(free_port);
        let dir = temp_dir(tag);
        let mut child = Command::new(program)
            .args(args(port, &dir))
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {program}: {e}"));
        if wait_ready(port, &mut child) {
            return Server { port, child, dir };
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    panic!("{program} did not start");
}

/// Starts slotd with `shards` shards and extra `--option value` arguments.
pub fn slotd(shards: usize, extra: &[&str]) -> Server {
    slotd_on(None, shards, extra)
}

/// [`slotd`] on `port` when given (a node restarted where it was).
pub fn slotd_on(port: Option<u16>, shards: usize, extra: &[&str]) -> Server {
    let bin = env!("CARGO_BIN_EXE_slotd");
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    start_on("slotd", bin, port, &move |port, _dir| {
        let mut a = vec![
            "--port".into(),
            port.to_string(),
            "--bind".into(),
            "127.0.0.1".into(),
            "--shards".into(),
            shards.to_string(),
            "--loglevel".into(),
            "warning".into(),
        ];
        a.extend(extra.iter().cloned());
        a
    })
}

/// Starts a real redis-server 7.0 with persistence off.
pub fn redis_server(extra: &[&str]) -> Server {
    let extra: Vec<String> = extra.iter().map(|s| s.to_string()).collect();
    start("redis", "redis-server", &move |port, dir| {
        let mut a = vec![
            "--port".into(),
            port.to_string(),
            "--bind".into(),
            "127.0.0.1".into(),
            "--save".into(),
            "".into(),
            "--appendonly".into(),
            "no".into(),
            "--dir".into(),
            dir.display().to_string(),
            "--loglevel".into(),
            "warning".into(),
        ];
        a.extend(extra.iter().cloned());
        a
    })
}

/// Sends raw bytes and reads whatever comes back until `expect_len` bytes
/// arrived, the peer closed, or a read timed out.
pub fn roundtrip_raw(s: &mut TcpStream, send: &[u8], expect_len: usize) -> Vec<u8> {
    s.write_all(send).unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 65536];
    while got.len() < expect_len {
        match s.read(&mut buf) {
            Ok(0) | Err(_) => break,
            Ok(n) => got.extend_from_slice(&buf[..n]),
        }
    }
    got
}

/// Runs redis-cli with `args` against `port`, returning stdout.
pub fn redis_cli(port: u16, args: &[&str]) -> String {
    let out = Command::new("redis-cli")
        .args(["-p", &port.to_string()])
        .args(args)
        .output()
        .expect("redis-cli is installed (the test script installs redis-tools)");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Waits (up to 10 s) until INFO reports `n` blocked clients.
pub fn await_blocked(c: &mut redis::Connection, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let want = format!("blocked_clients:{n}\r");
    loop {
        let info: String = redis::cmd("INFO").arg("clients").query(c).unwrap();
        if info.contains(&want) {
            return;
        }
        assert!(Instant::now() < deadline, "never {want}: {info}");
        std::thread::sleep(Duration::from_millis(2));
    }
}
