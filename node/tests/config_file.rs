//! Start-up configuration: a redis.conf-style file, command-line overrides,
//! unknown options as a start-up error, CONFIG REWRITE, idle `timeout`, and
//! CLIENT REPLY.

mod common;

use std::process::Command;
use std::time::Duration;

use common::*;

#[test]
fn unknown_option_is_a_startup_error_naming_it() {
    let out = Command::new(env!("CARGO_BIN_EXE_slotd"))
        .args(["--port", "0", "--maxclient", "5"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown option 'maxclient'"), "{err}");
}

#[test]
fn config_file_is_loaded_and_rewritten() {
    let dir = std::env::temp_dir().join(format!("slotd-conf-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("slotd.conf");
    std::fs::write(&path, "# test config\nmaxclients 77\ndatabases 8\n").unwrap();
    let port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_slotd"))
        .arg(&path)
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1", "--maxclients", "88"])
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while redis_cli(port, &["PING"]) != "PONG\n" {
        assert!(std::time::Instant::now() < deadline, "slotd did not start");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The command line wins over the file.
    assert_eq!(redis_cli(port, &["CONFIG", "GET", "maxclients"]), "maxclients\n88\n");
    assert_eq!(redis_cli(port, &["CONFIG", "GET", "databases"]), "databases\n8\n");
    assert_eq!(redis_cli(port, &["CONFIG", "SET", "timeout", "123"]), "OK\n");
    assert_eq!(redis_cli(port, &["CONFIG", "REWRITE"]), "OK\n");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("timeout \"123\"") && text.contains("maxclients \"88\""), "{text}");
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn idle_clients_are_closed_after_timeout() {
    let srv = slotd(1, &["--timeout", "1"]);
    let mut s = srv.raw();
    assert_eq!(roundtrip_raw(&mut s, b"PING\r\n", 1), b"+PONG\r\n");
    std::thread::sleep(Duration::from_millis(2500));
    // The server closed the connection: a read sees end of stream.
    assert_eq!(roundtrip_raw(&mut s, b"", 1), b"");
}

#[test]
fn client_reply_off_skip_on() {
    let srv = slotd(2, &[]);
    let mut s = srv.raw();
    let got = roundtrip_raw(
        &mut s,
        b"CLIENT REPLY OFF\r\nSET a 1\r\nCLIENT REPLY SKIP\r\nCLIENT REPLY ON\r\nGET a\r\nCLIENT REPLY SKIP\r\nGET a\r\nPING\r\n",
        19,
    );
    assert_eq!(String::from_utf8_lossy(&got), "+OK\r\n$1\r\n1\r\n+PONG\r\n");
}
