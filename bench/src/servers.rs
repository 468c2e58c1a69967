//! Starting and stopping the servers under test: slotd and redis-server, each on
//! a free port of 127.0.0.1 in its own scratch directory, optionally pinned to
//! CPUs with `taskset -c`, standalone or as a cluster node (its own free
//! cluster-bus port and nodes.conf). A [`Server`] kills its process when dropped.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cleanup;
use crate::client::{Conn, Resp};

/// How long a server may take to answer PING after start.
const START_TIMEOUT: Duration = Duration::from_secs(20);

/// Which server to start.
#[derive(Clone, Debug)]
pub enum Kind {
    /// slotd from `bin` with `shards` shards.
    Slotd { bin: PathBuf, shards: usize },
    /// redis-server from `bin`, persistence off.
    Redis { bin: PathBuf },
}

impl Kind {
    fn program(&self) -> &Path {
        match self {
            Kind::Slotd { bin, .. } | Kind::Redis { bin } => bin,
        }
    }

    fn args(&self, port: u16, dir: &Path) -> Vec<String> {
        let mut args: Vec<String> = vec![
            "--port".into(),
            port.to_string(),
            "--bind".into(),
            "127.0.0.1".into(),
            "--dir".into(),
            dir.display().to_string(),
            "--loglevel".into(),
            "warning".into(),
        ];
        match self {
            Kind::Slotd { shards, .. } => {
                args.extend(["--shards".into(), shards.to_string()]);
                // More options for every slotd, e.g. `--shard-stall-warn-ms 5`.
                if let Ok(extra) = std::env::var("SLOTD_EXTRA_ARGS") {
                    args.extend(extra.split_whitespace().map(String::from));
                }
            }
            Kind::Redis { .. } => {
                args.extend(["--save".into(), String::new(), "--appendonly".into(), "no".into()])
            }
        }
        args
    }
}

/// Cluster mode: `--cluster-enabled yes` with a free bus port and a nodes.conf
/// in the server's scratch directory.
#[derive(Clone, Copy, Debug)]
pub struct ClusterMode {
    /// `--cluster-node-timeout`, ms.
    pub node_timeout_ms: u64,
}

impl ClusterMode {
    fn args(&self, dir: &Path) -> Result<Vec<String>, String> {
        Ok(vec![
            "--cluster-enabled".into(),
            "yes".into(),
            "--cluster-port".into(),
            free_port()?.to_string(),
            "--cluster-config-file".into(),
            dir.join("nodes.conf").display().to_string(),
            "--cluster-node-timeout".into(),
            self.node_timeout_ms.to_string(),
        ])
    }
}

/// A running server, killed when dropped.
pub struct Server {
    /// Name shown in tables and progress lines.
    pub label: String,
    /// TCP port on 127.0.0.1.
    pub port: u16,
    child: Child,
    dir: PathBuf,
}

impl Server {
    /// Starts `kind` (under `taskset -c pin` when given) and waits until it
    /// answers PING.
    pub fn start(label: &str, kind: &Kind, pin: Option<&str>) -> Result<Server, String> {
        Server::launch(label, kind, pin, None)
    }

    /// [`Server::start`] in cluster mode.
    pub fn start_cluster_node(
        label: &str,
        kind: &Kind,
        pin: Option<&str>,
        mode: ClusterMode,
    ) -> Result<Server, String> {
        Server::launch(label, kind, pin, Some(mode))
    }

    fn launch(
        label: &str,
        kind: &Kind,
        pin: Option<&str>,
        cluster: Option<ClusterMode>,
    ) -> Result<Server, String> {
        let program = kind.program();
        if program.components().count() > 1 && !program.exists() {
            return Err(format!("{} not found", program.display()));
        }
        let mut last_err = String::new();
        // A port picked free can be taken before the server binds it: retry
        // then, but not when the server failed on a port nobody holds.
        for _attempt in 0..5 {
            let port = free_port()?;
            let dir =
                std::env::temp_dir().join(format!("slotd-bench-{}-{port}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            let mut cmd = pinned_command(program, pin);
            cmd.args(kind.args(port, &dir));
            if let Some(mode) = cluster {
                cmd.args(mode.args(&dir)?);
            }
            cmd.current_dir(&dir)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::inherit());
            let child = cleanup::spawn(&mut cmd, Some(dir.clone()))
                .map_err(|e| format!("cannot start {}: {e}", program.display()))?;
            let mut server = Server { label: label.to_string(), port, child, dir };
            match server.wait_ready() {
                Ok(()) => return Ok(server),
                Err(e) => last_err = e,
            }
            drop(server);
            if TcpListener::bind(("127.0.0.1", port)).is_ok() {
                break;
            }
        }
        Err(format!("{label} did not start: {last_err}"))
    }

    /// Process id (taskset execs the server, so it is the server's own).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// A new client connection.
    pub fn conn(&self) -> std::io::Result<Conn> {
        Conn::connect(self.port, Duration::from_secs(30))
    }

    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!("exited at start ({status})"));
            }
            let pong = self.conn().and_then(|mut c| c.command(&[b"PING"]));
            if matches!(pong, Ok(Resp::Simple(ref s)) if s == "PONG") {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Err(format!("no PONG within {START_TIMEOUT:?}"))
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        cleanup::unregister(self.child.id());
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The slotd binary the harnesses use unless told otherwise: `release/slotd`
/// under `$CARGO_TARGET_DIR`, else under the workspace's `target`.
pub fn default_slotd_bin() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("target"));
    target.join("release").join("slotd")
}

/// `program`, or `taskset -c cpus program` when `pin` is given.
pub fn pinned_command(program: &Path, pin: Option<&str>) -> Command {
    match pin {
        Some(cpus) => {
            let mut cmd = Command::new("taskset");
            cmd.arg("-c").arg(cpus).arg(program);
            cmd
        }
        None => Command::new(program),
    }
}

/// A port of 127.0.0.1 that was free a moment ago.
fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("no free port: {e}"))?;
    listener.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
}
