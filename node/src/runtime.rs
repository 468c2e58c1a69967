//! Start-up and shutdown of the shards: one glommio executor per shard pinned to
//! its CPU (a single shard on a machine with more CPUs is left to the
//! scheduler: several one-shard nodes on one host must not all share the
//! first CPU), joined into a channel mesh, each with its own listening sockets
//! (SO_REUSEPORT, so the kernel spreads connections), its mesh receivers, and a
//! cron task (active expiry, stats sampling, idle clients, shutdown).

use std::cell::RefCell;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::os::fd::{AsRawFd, FromRawFd, IntoRawFd};
use std::rc::Rc;
use std::sync::atomic::Ordering;
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};

use glommio::channels::channel_mesh::MeshBuilder;
use glommio::net::{TcpListener, TcpStream};
use glommio::{LocalExecutorBuilder, Placement};

use crate::clients::{Client, ReplyMode};
use crate::config::Config;
use crate::shard::{initial_slot_shards, unix_ms, Core, Msg, Shard, Shared};

/// Capacity of each mesh channel, in messages.
const MESH_CHANNEL_CAPACITY: usize = 1024;
/// How long shards may take to start before the node gives up.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(20);
/// Longest the active expiry cycle runs per cron tick before yielding for good.
const EXPIRE_BUDGET_PER_TICK: Duration = Duration::from_millis(5);

/// A listening address from `bind`: its socket address and whether it may be
/// missing (a leading `-`).
fn bind_addrs(cfg: &Config, port: u16) -> Vec<(SocketAddr, bool)> {
    cfg.bind
        .iter()
        .filter_map(|b| {
            let (optional, addr) = match b.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, b.as_str()),
            };
            let ip: IpAddr = match addr {
                "*" => Ipv4Addr::UNSPECIFIED.into(),
                "::*" => Ipv6Addr::UNSPECIFIED.into(),
                other => other.parse().ok()?,
            };
            Some((SocketAddr::new(ip, port), optional))
        })
        .collect()
}

/// Opens one listening socket with SO_REUSEPORT (every shard opens its own).
fn listen(addr: SocketAddr, backlog: u32) -> std::io::Result<socket2::Socket> {
    use socket2::{Domain, Socket, Type};
    let domain = if addr.is_ipv6() { Domain::IPV6 } else { Domain::IPV4 };
    let s = Socket::new(domain, Type::STREAM, None)?;
    s.set_reuse_address(true)?;
    s.set_reuse_port(true)?;
    if addr.is_ipv6() {
        s.set_only_v6(true)?;
    }
    s.bind(&addr.into())?;
    s.listen(backlog.min(i32::MAX as u32) as i32)?;
    Ok(s)
}

/// The lock file that marks `port` as taken by a slotd process.
pub fn lock_path(port: u16) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("slotd-{port}.lock"))
}

/// Checks before starting that the port is free for us: no other program holds it
/// (a plain bind would fail), and no other slotd does (SO_REUSEPORT would let two
/// slotd processes share it silently, so a lock file per port guards it).
/// Returns the lock file, held for the life of the process.
pub fn claim_port(cfg: &Config) -> Result<std::fs::File, String> {
    use std::os::unix::fs::OpenOptionsExt;
    let lock_path = lock_path(cfg.port);
    // Any user may lock the file (flock needs no write access), so a lock file
    // left by another user's slotd never keeps this one from starting.
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o666)
        .open(&lock_path)
        .or_else(|_| std::fs::File::open(&lock_path))
        .map_err(|e| format!("cannot open lock file {}: {e}", lock_path.display()))?;
    // SAFETY: flock on a descriptor we own.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
        return Err(format!(
            "port {} is already used by another slotd process (lock {} is held)",
            cfg.port,
            lock_path.display()
        ));
    }
    for (addr, optional) in bind_addrs(cfg, cfg.port) {
        if let Err(e) = std::net::TcpListener::bind(addr) {
            if optional && e.kind() != std::io::ErrorKind::AddrInUse {
                continue;
            }
            return Err(format!("Could not create server TCP listening socket {addr}: bind: {e}"));
        }
    }
    Ok(file)
}

/// The io_uring registered-buffer memory for each shard, or an explanation of
/// why the locked-memory limit is too low.
///
/// With CAP_IPC_LOCK (root) each shard registers 1 MiB. Without it, buffer
/// registration is refused by the kernel whatever the size and glommio runs
/// without registered buffers, so a token 64 KiB is asked for; what still needs
/// locked memory is each executor's rings, measured at under 512 KiB a shard.
fn io_memory_per_shard(shards: usize) -> Result<usize, String> {
    const PRIVILEGED_BYTES: usize = 1024 * 1024;
    const UNPRIVILEGED_BYTES: usize = 64 * 1024;
    const RINGS_PER_SHARD_BYTES: u64 = 512 * 1024;
    if crate::sys::can_lock_unlimited() {
        return Ok(PRIVILEGED_BYTES);
    }
    let limit = crate::sys::memlock_limit_bytes();
    let need = RINGS_PER_SHARD_BYTES * shards as u64;
    if limit < need {
        let need_kib = need / 1024;
        return Err(format!(
            "the locked-memory limit (RLIMIT_MEMLOCK) is {} KiB, too low for {shards} shards: io_uring needs {need_kib} KiB. \
             Raise it with `ulimit -l {need_kib}` (systemd: LimitMEMLOCK={need_kib}K; docker: --ulimit memlock={need}), \
             or run fewer shards with --shards N.",
            limit / 1024,
        ));
    }
    Ok(UNPRIVILEGED_BYTES)
}

/// How long a shard runs ready tasks before it polls its I/O again. glommio
/// polls only when no task is ready or when this timer fires (100 ms by
/// default), whatever the tasks yield: a long job stepping and yielding (a
/// migration serializing a big value) would keep every socket of its shard
/// waiting that long.
const PREEMPT_TIMER: Duration = Duration::from_millis(1);

/// `shard-stall-warn-ms`: glommio's stall detector, reporting through
/// tracing a shard that ran past its preempt timer by `over`.
#[derive(Debug)]
struct StallWarning {
    over: Duration,
}

impl glommio::StallDetectionHandler for StallWarning {
    fn threshold(&self, _: glommio::TaskQueueHandle, _: Duration) -> Option<Duration> {
        Some(self.over)
    }

    fn stall(&self, detection: glommio::StallDetection<'_>) {
        // Only the figures: resolving the backtrace's symbols here, on the
        // shard, takes long enough to be the next stall.
        tracing::warn!(
            "shard stalled: task queue {} ran {:.2?} past its {:.2?} budget",
            detection.queue_name(),
            detection.overage(),
            detection.budget()
        );
        if tracing::enabled!(tracing::Level::DEBUG) {
            tracing::debug!("{detection}");
        }
    }
}

/// Starts every shard and blocks until the node shuts down.
pub fn run(cfg: Config) -> Result<(), String> {
    let cpus = crate::sys::usable_cpus();
    let shard_count = if cfg.shards == 0 { cpus.len().max(1) } else { cfg.shards };
    if shard_count > cpus.len() {
        // One shard per core is the design; glommio's mesh also fails to join
        // reliably when several executors share a core.
        return Err(format!(
            "--shards {shard_count} is more than the {} CPU(s) this process may run on ({cpus:?}): \
             run at most one shard per CPU",
            cpus.len()
        ));
    }
    // Pinned when the node takes several CPUs, or all of those it may use; a
    // one-shard node among others on a bigger host floats.
    let shard_cpus: Vec<Option<usize>> = if shard_count == 1 && cpus.len() > 1 {
        vec![None]
    } else {
        cpus[..shard_count].iter().map(|&c| Some(c)).collect()
    };
    let io_memory = io_memory_per_shard(shard_count)?;
    let addrs = bind_addrs(&cfg, cfg.port);
    let shared = Arc::new(Shared {
        shutdown: Default::default(),
        next_client_id: 1.into(),
        connected_clients: 0.into(),
        shard_count,
        run_id: crate::random_hex(40),
        started: Instant::now(),
        started_unix_s: unix_ms() / 1000,
        port: cfg.port,
        shard_cpus: shard_cpus.clone(),
        lazyfree: crate::lazyfree::LazyFree::start()
            .map_err(|e| format!("cannot start the lazyfree thread: {e}"))?,
    });
    install_signal_handlers(shared.clone())?;
    let mesh: MeshBuilder<Msg, _> = MeshBuilder::full(shard_count, MESH_CHANNEL_CAPACITY);
    let slot_shard = initial_slot_shards(shard_count);
    // Cluster mode: the state goes to whichever shard becomes shard 0 (mesh
    // ids follow join order); every shard starts from the same view.
    let (cluster, view) = if cfg.cluster.enabled {
        let mut node = crate::cluster::ClusterNode::open(&cfg)?;
        let view = Arc::new(node.view());
        (Arc::new(Mutex::new(Some(node))), Some(view))
    } else {
        (Arc::new(Mutex::new(None)), None)
    };
    let (ready_tx, ready_rx) = mpsc::channel::<Result<(), String>>();
    let mut handles = Vec::new();
    for (i, &cpu) in shard_cpus.iter().enumerate() {
        let (mesh, cfg, shared, slot_shard, addrs, ready) = (
            mesh.clone(),
            cfg.clone(),
            shared.clone(),
            slot_shard.clone(),
            addrs.clone(),
            ready_tx.clone(),
        );
        let cluster = ShardCluster { node: cluster.clone(), view: view.clone() };
        let placement = cpu.map_or(Placement::Unbound, Placement::Fixed);
        let builder = LocalExecutorBuilder::new(placement)
            .name(&format!("shard-{i}"))
            .io_memory(io_memory)
            .preempt_timer(PREEMPT_TIMER);
        // Spinning before parking shortens hops between shards when every shard
        // has a core to itself; alone, or sharing cores with clients, a shard
        // would only burn CPU that others need.
        let builder = match cfg.shard_stall_warn_ms {
            0 => builder,
            ms => builder.detect_stalls(Some(Box::new(StallWarning {
                over: Duration::from_millis(ms).saturating_sub(PREEMPT_TIMER),
            }))),
        };
        let builder = if shard_count > 1 && cfg.shard_spin_us > 0 {
            builder.spin_before_park(Duration::from_micros(cfg.shard_spin_us))
        } else {
            builder
        };
        let handle = builder
            .spawn(move || async move {
                shard_main(mesh, cfg, shared, slot_shard, addrs, cluster, ready).await
            })
            .map_err(|e| explain_executor_error(&e.to_string()))?;
        handles.push(handle);
    }
    drop(ready_tx);
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    for _ in 0..shard_count {
        let left = deadline.saturating_duration_since(Instant::now());
        match ready_rx.recv_timeout(left) {
            Ok(Ok(())) => {}
            Ok(Err(e)) => return Err(e),
            Err(_) => return Err(explain_executor_error("shards did not start in time")),
        }
    }
    let placement = match shard_cpus.iter().flatten().collect::<Vec<_>>() {
        pinned if pinned.is_empty() => "not pinned".to_string(),
        pinned => format!("pinned to cpus {pinned:?}"),
    };
    tracing::info!(
        "slotd {} ready: {} shard(s) {placement}, port {}",
        env!("CARGO_PKG_VERSION"),
        shard_count,
        cfg.port
    );
    println!("Ready to accept connections tcp");
    for h in handles {
        if let Err(e) = h.join() {
            tracing::error!("shard stopped with an error: {e}");
        }
    }
    tracing::warn!("slotd is now ready to exit, bye bye...");
    Ok(())
}

fn explain_executor_error(e: &str) -> String {
    format!(
        "cannot start the shard executors: {e}. slotd needs io_uring: if it is blocked (Docker's default \
         seccomp profile blocks it; run with --security-opt seccomp=unconfined) or the locked-memory \
         limit is too low (ulimit -l), fix that and start again."
    )
}

fn install_signal_handlers(shared: Arc<Shared>) -> Result<(), String> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| format!("cannot install signal handlers: {e}"))?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(sig) = signals.forever().next() {
                tracing::warn!(
                    "Received {} scheduling shutdown...",
                    if sig == SIGINT { "SIGINT" } else { "SIGTERM" }
                );
                shared.shutdown.store(true, Ordering::SeqCst);
            }
        })
        .map_err(|e| format!("cannot start the signal thread: {e}"))?;
    Ok(())
}

/// What a shard gets of cluster mode at start.
struct ShardCluster {
    /// The cluster state, taken by shard 0.
    node: Arc<Mutex<Option<crate::cluster::ClusterNode>>>,
    /// The slot view all shards start with.
    view: Option<Arc<crate::cluster::SlotView>>,
}

async fn shard_main(
    mesh: MeshBuilder<Msg, glommio::channels::channel_mesh::Full>,
    cfg: Config,
    shared: Arc<Shared>,
    slot_shard: Vec<u16>,
    addrs: Vec<(SocketAddr, bool)>,
    cluster: ShardCluster,
    ready: mpsc::Sender<Result<(), String>>,
) {
    let (senders, mut receivers) = match mesh.join().await {
        Ok(x) => x,
        Err(e) => {
            let _ = ready.send(Err(format!("the shard mesh could not be joined: {e}")));
            return;
        }
    };
    let id = senders.peer_id();
    let mut listeners = Vec::new();
    if cfg.port != 0 {
        for (addr, optional) in &addrs {
            match listen(*addr, cfg.tcp_backlog) {
                // SAFETY: the descriptor comes from a listening socket we own.
                Ok(s) => listeners.push(unsafe { TcpListener::from_raw_fd(s.into_raw_fd()) }),
                Err(e) if *optional => tracing::debug!("skipping optional bind {addr}: {e}"),
                Err(e) => {
                    let _ = ready.send(Err(format!(
                        "Could not create server TCP listening socket {addr}: {e}"
                    )));
                    return;
                }
            }
        }
        if listeners.is_empty() {
            let _ = ready.send(Err("no address in `bind` could be listened on".into()));
            return;
        }
    }
    let hz = cfg.hz;
    let outbox = RefCell::new((0..shared.shard_count).map(|_| Default::default()).collect());
    let bus_addrs = bind_addrs(&cfg, cfg.cluster.bus_port(cfg.port));
    let mut core = Core::new(id, cfg, slot_shard);
    core.ks.set_lazyfree_sink(shared.lazyfree.sink());
    core.slot_view = cluster.view;
    let cluster_node =
        if id == 0 { cluster.node.lock().map_or(None, |mut n| n.take()) } else { None };
    let shard = Rc::new(Shard {
        core: RefCell::new(core),
        senders,
        shared,
        outbox,
        cluster: RefCell::new(cluster_node),
        move_lock: glommio::sync::Semaphore::new(1),
    });
    if shard.cluster.borrow().is_some() {
        if let Err(e) = crate::cluster::bus::start(&shard, bus_addrs) {
            let _ = ready.send(Err(e));
            return;
        }
    }
    for (peer, stream) in receivers.streams() {
        let shard = shard.clone();
        // One task per receiver (a glommio waker count is bounded per task).
        glommio::spawn_local(async move {
            while let Some(msg) = stream.recv().await {
                shard.handle(peer, msg);
            }
        })
        .detach();
    }
    for listener in listeners {
        let shard = shard.clone();
        glommio::spawn_local(accept_loop(shard, listener)).detach();
    }
    let _ = ready.send(Ok(()));
    cron(shard, hz).await;
}

async fn accept_loop(shard: Rc<Shard>, listener: TcpListener) {
    loop {
        let stream = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                glommio::timer::sleep(Duration::from_millis(10)).await;
                continue;
            }
        };
        glommio::spawn_local(admit(shard.clone(), stream)).detach();
    }
}

/// Checks a new connection against maxclients and protected mode, then serves it.
async fn admit(shard: Rc<Shard>, mut stream: TcpStream) {
    use futures_lite::AsyncWriteExt;
    let _ = stream.set_nodelay(true);
    let (Ok(addr), Ok(laddr)) = (stream.peer_addr(), stream.local_addr()) else { return };
    let (maxclients, keepalive_s, protected, needs_auth) = {
        let mut core = shard.core.borrow_mut();
        core.stats.connections_received += 1;
        let cfg = &core.cfg;
        let default_bind = cfg.bind == Config::default().bind;
        (
            cfg.maxclients,
            cfg.tcp_keepalive_s,
            cfg.protected_mode && default_bind && cfg.requirepass.is_empty(),
            !cfg.requirepass.is_empty(),
        )
    };
    let shared = shard.shared.clone();
    if shared.connected_clients.fetch_add(1, Ordering::SeqCst) >= maxclients {
        shared.connected_clients.fetch_sub(1, Ordering::SeqCst);
        shard.core.borrow_mut().stats.rejected_connections += 1;
        let _ = stream.write_all(b"-ERR max number of clients reached\r\n").await;
        return;
    }
    if protected && !addr.ip().is_loopback() {
        shared.connected_clients.fetch_sub(1, Ordering::SeqCst);
        let _ = stream.write_all(PROTECTED_MODE_ERROR.as_bytes()).await;
        return;
    }
    if keepalive_s > 0 {
        let ka = socket2::TcpKeepalive::new().with_time(Duration::from_secs(keepalive_s));
        // SAFETY: the descriptor is the live socket of `stream`, borrowed for this call.
        let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(stream.as_raw_fd()) };
        let _ = socket2::SockRef::from(&fd).set_tcp_keepalive(&ka);
    }
    let now = Instant::now();
    let client = Rc::new(RefCell::new(Client {
        id: shared.next_client_id.fetch_add(1, Ordering::Relaxed),
        addr,
        laddr,
        fd: stream.as_raw_fd(),
        name: String::new(),
        lib_name: String::new(),
        lib_ver: String::new(),
        created: now,
        last_interaction: now,
        db: 0,
        proto: engine::resp::Protocol::Resp2,
        authenticated: !needs_auth,
        last_cmd: "NULL",
        reply_mode: ReplyMode::On,
        no_evict: false,
        qbuf_bytes: 0,
        killed: false,
        blocked: None,
        blocked_timeout: false,
        asking: false,
        import: None,
    }));
    let id = client.borrow().id;
    shard.core.borrow_mut().clients.add(client.clone());
    let mut stream = crate::conn::serve(shard.clone(), stream, client.clone()).await;
    // Unregister first: CLIENT KILL must never shut down a descriptor that was
    // closed and handed to another connection.
    shard.core.borrow_mut().clients.remove(id);
    let _ = stream.close().await;
    let import = client.borrow_mut().import.take();
    if let Some(link) = import {
        crate::cluster::import::link_closed(&shard, link).await;
    }
    shared.connected_clients.fetch_sub(1, Ordering::SeqCst);
}

const PROTECTED_MODE_ERROR: &str = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n";

/// Background work of a shard, `hz` times a second, until shutdown.
async fn cron(shard: Rc<Shard>, hz: u32) {
    let tick = Duration::from_millis(1000 / hz.max(1) as u64);
    loop {
        glommio::timer::sleep(tick).await;
        if shard.shared.shutdown.load(Ordering::SeqCst) {
            return;
        }
        let now_ms = unix_ms();
        crate::alloc::sample_peak_bytes();
        {
            let mut core = shard.core.borrow_mut();
            let total = core.stats.total_commands;
            core.stats.ops.sample(total, now_ms);
            let timeout_s = core.cfg.timeout_s;
            if timeout_s > 0 {
                let now = Instant::now();
                for c in core.clients.iter() {
                    let mut c = c.borrow_mut();
                    // Blocked clients wait for their own deadline (as Redis).
                    let idle = now.duration_since(c.last_interaction).as_secs() > timeout_s;
                    if idle && c.blocked.is_none() {
                        c.kill();
                    }
                }
            }
        }
        active_expire(&shard).await;
    }
}

/// Runs the active expiry cycle in small steps, yielding to request traffic
/// between steps, for at most [`EXPIRE_BUDGET_PER_TICK`].
async fn active_expire(shard: &Rc<Shard>) {
    const SLOTS_PER_STEP: usize = 16;
    let started = Instant::now();
    while started.elapsed() < EXPIRE_BUDGET_PER_TICK {
        let removed_any = {
            let mut core = shard.core.borrow_mut();
            if !core.active_expire {
                return;
            }
            core.ks.active_expire_step(unix_ms(), SLOTS_PER_STEP) > 0
        };
        if !removed_any {
            return;
        }
        glommio::yield_if_needed().await;
    }
}
