//! The fixed-rate load that runs while slots move: an open loop. A scheduler
//! thread gives request `n` the due time `start + n / rate`, whatever
//! happened before, picks its key (GET or SET on a random string key),
//! routes it by the shared slot map to a connection of the owning node
//! (round robin over `conns_per_node`), and each connection thread sends its
//! requests in turn. Latency runs from the due time to the reply, so a stall
//! counts in full for every request scheduled behind it (no coordinated
//! omission). Connections follow MOVED (and correct the slot map), ASK (once,
//! with ASKING), retry TRYAGAIN, CLUSTERDOWN and lost connections after a
//! pause; every redirection, retry and error is counted per phase.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use bench::client::{encode_command, Conn, Resp};
use engine::slot::key_slot;

use crate::dataset::{key_name, written_value};
use crate::histogram::Histogram;
use crate::slots::{classify, ClusterError, SlotMap};

/// Requests are handed to connections this long before they are due.
const LOOKAHEAD: Duration = Duration::from_micros(200);
/// Pause before retrying after TRYAGAIN.
const TRYAGAIN_PAUSE: Duration = Duration::from_millis(2);
/// Pause before retrying after CLUSTERDOWN or a lost connection.
const DOWN_PAUSE: Duration = Duration::from_millis(10);
/// A request still failing after this long is counted as an error.
const GIVE_UP_AFTER: Duration = Duration::from_secs(10);
/// Redirections followed for one request before it is an error.
const MAX_REDIRECTS: u32 = 16;
/// Error messages shown per run; the rest are only counted.
const ERRORS_SHOWN: usize = 5;

/// A part of the run whose latencies are reported apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Phase {
    /// Connections warming up: not reported.
    Warmup = 0,
    /// No migration running.
    Before = 1,
    /// While the reshard runs.
    During = 2,
}

const PHASES: usize = 3;

impl Phase {
    fn from_u8(v: u8) -> Phase {
        [Phase::Warmup, Phase::Before, Phase::During][usize::from(v)]
    }
}

/// Counts of one phase.
#[derive(Clone, Default)]
pub struct PhaseStats {
    /// Latency of the requests that succeeded, ns from their due time.
    pub latency_ns: Histogram,
    /// Requests scheduled.
    pub scheduled: u64,
    /// MOVED replies followed.
    pub moved: u64,
    /// ASK replies followed.
    pub ask: u64,
    /// TRYAGAIN replies retried.
    pub tryagain: u64,
    /// CLUSTERDOWN replies retried.
    pub clusterdown: u64,
    /// Connections lost (and retried).
    pub io_errors: u64,
    /// Requests that failed: other error replies, a GET of a missing key, a
    /// request given up.
    pub errors: u64,
    /// The first error messages.
    pub error_samples: Vec<String>,
    /// The slowest requests, slowest first (at most [`SLOWEST_KEPT`]).
    pub slowest: Vec<Slow>,
}

/// How many of the slowest requests a phase keeps.
pub const SLOWEST_KEPT: usize = 12;

/// One slow request, to place stalls in time.
#[derive(Clone, Copy, Debug)]
pub struct Slow {
    pub latency_ns: u64,
    /// When it was due.
    pub due: Instant,
    /// The node its connection belongs to.
    pub port: u16,
    pub set: bool,
    /// MOVED/ASK it followed.
    pub redirects: u32,
}

impl PhaseStats {
    fn merge(&mut self, o: &PhaseStats) {
        self.latency_ns.merge(&o.latency_ns);
        self.scheduled += o.scheduled;
        self.moved += o.moved;
        self.ask += o.ask;
        self.tryagain += o.tryagain;
        self.clusterdown += o.clusterdown;
        self.io_errors += o.io_errors;
        self.errors += o.errors;
        let room = ERRORS_SHOWN.saturating_sub(self.error_samples.len());
        self.error_samples.extend(o.error_samples.iter().take(room).cloned());
        for &slow in &o.slowest {
            self.note_slow(slow);
        }
    }

    /// Keeps `slow` if it is among the slowest.
    fn note_slow(&mut self, slow: Slow) {
        if self.slowest.len() == SLOWEST_KEPT
            && self.slowest.last().is_some_and(|l| l.latency_ns >= slow.latency_ns)
        {
            return;
        }
        let at = self.slowest.partition_point(|s| s.latency_ns >= slow.latency_ns);
        self.slowest.insert(at, slow);
        self.slowest.truncate(SLOWEST_KEPT);
    }

    fn fail(&mut self, what: String) {
        self.errors += 1;
        if self.error_samples.len() < ERRORS_SHOWN {
            self.error_samples.push(what);
        }
    }
}

/// The load's settings.
#[derive(Clone, Debug)]
pub struct Config {
    /// Requests per second, all nodes together.
    pub rate: u64,
    /// Connections to each node.
    pub conns_per_node: usize,
    /// String keys `key:%012d` to pick from.
    pub keys: u64,
    /// Bytes of the values SET writes.
    pub value_bytes: usize,
    /// Percent of the requests that are SETs (the rest GETs).
    pub set_percent: u64,
}

/// The fixed-rate schedule: request `n` is due `n / rate` seconds after start.
#[derive(Clone, Copy, Debug)]
pub struct Schedule {
    start: Instant,
    rate: u64,
}

impl Schedule {
    /// A schedule of `rate` requests per second from `start`.
    pub fn new(start: Instant, rate: u64) -> Schedule {
        Schedule { start, rate: rate.max(1) }
    }

    /// When request `n` is due.
    pub fn due(&self, n: u64) -> Instant {
        let nanos = u128::from(n) * 1_000_000_000 / u128::from(self.rate);
        self.start + Duration::from_nanos(nanos as u64)
    }

    /// How many requests are due at or before `t` (the index of the first
    /// one that is not).
    pub fn due_by(&self, t: Instant) -> u64 {
        let elapsed = t.saturating_duration_since(self.start).as_nanos();
        (elapsed * u128::from(self.rate) / 1_000_000_000) as u64 + 1
    }
}

/// One request.
struct Request {
    due: Instant,
    phase: Phase,
    key: u64,
    set: bool,
}

/// A running load; [`Load::finish`] stops it and returns the counts.
pub struct Load {
    phase: Arc<AtomicU8>,
    stop: Arc<AtomicBool>,
    scheduler: JoinHandle<[u64; PHASES]>,
    workers: Vec<JoinHandle<[PhaseStats; PHASES]>>,
}

impl Load {
    /// Starts the load on the nodes on `ports`, routing by `map`; it is in
    /// [`Phase::Warmup`] until [`Load::set_phase`].
    pub fn start(cfg: &Config, map: Arc<SlotMap>, ports: &[u16]) -> Load {
        let phase = Arc::new(AtomicU8::new(Phase::Warmup as u8));
        let stop = Arc::new(AtomicBool::new(false));
        let mut routes: HashMap<u16, Vec<Sender<Request>>> = HashMap::new();
        let mut workers = Vec::new();
        for &port in ports {
            for _ in 0..cfg.conns_per_node.max(1) {
                let (tx, rx) = channel();
                routes.entry(port).or_default().push(tx);
                let (map, cfg) = (map.clone(), cfg.clone());
                workers.push(std::thread::spawn(move || worker(port, rx, &map, &cfg)));
            }
        }
        let (p, s, cfg) = (phase.clone(), stop.clone(), cfg.clone());
        let scheduler = std::thread::spawn(move || schedule(&cfg, &map, routes, &p, &s));
        Load { phase, stop, scheduler, workers }
    }

    /// Requests scheduled from now on count for `phase`.
    pub fn set_phase(&self, phase: Phase) {
        self.phase.store(phase as u8, Ordering::Relaxed);
    }

    /// Stops scheduling, lets the connections finish what they were given,
    /// and returns the counts of each phase.
    pub fn finish(self) -> [PhaseStats; PHASES] {
        self.stop.store(true, Ordering::Relaxed);
        let scheduled = self.scheduler.join().expect("scheduler panicked");
        let mut stats: [PhaseStats; PHASES] = Default::default();
        for w in self.workers {
            let got = w.join().expect("load connection panicked");
            for (s, g) in stats.iter_mut().zip(&got) {
                s.merge(g);
            }
        }
        for (s, n) in stats.iter_mut().zip(scheduled) {
            s.scheduled = n;
        }
        stats
    }
}

/// Asks for 1 ns timer slack on this thread, so that its sleeps end on time
/// (the default 50 µs would show in every latency).
fn tight_timers() {
    // SAFETY: prctl(2) PR_SET_TIMERSLACK on the calling thread only.
    unsafe { libc::prctl(libc::PR_SET_TIMERSLACK, 1, 0, 0, 0) };
}

/// A tiny xorshift generator: the load needs speed and repeatability, not quality.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// The scheduler: hands each request to a connection of its slot's node
/// shortly before it is due; returns how many it scheduled per phase.
fn schedule(
    cfg: &Config,
    map: &SlotMap,
    mut routes: HashMap<u16, Vec<Sender<Request>>>,
    phase: &AtomicU8,
    stop: &AtomicBool,
) -> [u64; PHASES] {
    tight_timers();
    let sched = Schedule::new(Instant::now(), cfg.rate);
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let mut next_conn: HashMap<u16, usize> = HashMap::new();
    let mut scheduled = [0u64; PHASES];
    let mut n = 0;
    while !stop.load(Ordering::Relaxed) {
        let phase = Phase::from_u8(phase.load(Ordering::Relaxed));
        let due_by = sched.due_by(Instant::now() + LOOKAHEAD);
        while n < due_by {
            let key = rng.below(cfg.keys);
            let set = rng.below(100) < cfg.set_percent;
            let port = map.port(key_slot(key_name(key).as_bytes()));
            // A port no connection serves (a slot without master) goes to any
            // node: its MOVED or CLUSTERDOWN is what a client would get.
            let conns = match routes.get_mut(&port) {
                Some(c) => c,
                None => routes.values_mut().next().expect("at least one node"),
            };
            let i = next_conn.entry(port).or_default();
            *i = (*i + 1) % conns.len();
            let _ = conns[*i].send(Request { due: sched.due(n), phase, key, set });
            scheduled[phase as usize] += 1;
            n += 1;
        }
        let wake = sched.due(n).checked_sub(LOOKAHEAD).unwrap_or_else(Instant::now);
        std::thread::sleep(wake.saturating_duration_since(Instant::now()));
    }
    scheduled
}

/// A connection thread: serves requests for `home` in order until the
/// scheduler is gone, opening connections to other nodes as redirections
/// require.
fn worker(home: u16, rx: Receiver<Request>, map: &SlotMap, cfg: &Config) -> [PhaseStats; PHASES] {
    tight_timers();
    let mut stats: [PhaseStats; PHASES] = Default::default();
    let mut conns: HashMap<u16, Conn> = HashMap::new();
    let mut frame = Vec::new();
    for req in rx {
        std::thread::sleep(req.due.saturating_duration_since(Instant::now()));
        let key = key_name(req.key);
        let value = written_value(req.key, cfg.value_bytes);
        let args: Vec<&[u8]> = if req.set {
            vec![b"SET", key.as_bytes(), &value]
        } else {
            vec![b"GET", key.as_bytes()]
        };
        frame.clear();
        encode_command(&mut frame, &args);
        let st = &mut stats[req.phase as usize];
        if let Some(redirects) = run(&frame, req.set, home, &mut conns, map, st, &key) {
            let latency_ns = req.due.elapsed().as_nanos() as u64;
            st.latency_ns.record(latency_ns);
            st.note_slow(Slow { latency_ns, due: req.due, port: home, set: req.set, redirects });
        }
    }
    stats
}

/// Sends one request (`frame`) until it gets its answer, following the
/// cluster; the redirections it followed when it succeeded.
fn run(
    frame: &[u8],
    set: bool,
    home: u16,
    conns: &mut HashMap<u16, Conn>,
    map: &SlotMap,
    st: &mut PhaseStats,
    key: &str,
) -> Option<u32> {
    let started = Instant::now();
    let mut port = home;
    let mut asking = false;
    let mut redirects = 0;
    loop {
        if started.elapsed() > GIVE_UP_AFTER || redirects > MAX_REDIRECTS {
            st.fail(format!("{key}: given up after {redirects} redirections"));
            return None;
        }
        let reply = send(conns, port, frame, asking);
        asking = false;
        let reply = match reply {
            Ok(r) => r,
            Err(e) => {
                st.io_errors += 1;
                if st.io_errors == 1 {
                    eprintln!("  load: connection to {port}: {e}; retrying");
                }
                conns.remove(&port);
                std::thread::sleep(DOWN_PAUSE);
                continue;
            }
        };
        match reply {
            Resp::Error(e) => match classify(&e) {
                ClusterError::Moved { slot, port: to } => {
                    st.moved += 1;
                    map.moved(slot, to);
                    port = to;
                    redirects += 1;
                }
                ClusterError::Ask { port: to, .. } => {
                    st.ask += 1;
                    port = to;
                    asking = true;
                    redirects += 1;
                }
                ClusterError::TryAgain => {
                    st.tryagain += 1;
                    std::thread::sleep(TRYAGAIN_PAUSE);
                }
                ClusterError::ClusterDown => {
                    st.clusterdown += 1;
                    std::thread::sleep(DOWN_PAUSE);
                }
                ClusterError::Other => {
                    st.fail(format!("{key}: -{e}"));
                    return None;
                }
            },
            Resp::Simple(ref s) if set && s == "OK" => return Some(redirects),
            Resp::Bulk(Some(_)) if !set => return Some(redirects),
            other => {
                st.fail(format!("{key}: unexpected {other:?}"));
                return None;
            }
        }
    }
}

/// Sends `frame` to `port` (after ASKING when `asking`) and reads its reply.
fn send(
    conns: &mut HashMap<u16, Conn>,
    port: u16,
    frame: &[u8],
    asking: bool,
) -> std::io::Result<Resp> {
    let conn = match conns.entry(port) {
        std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
        std::collections::hash_map::Entry::Vacant(e) => {
            e.insert(Conn::connect(port, Duration::from_secs(30))?)
        }
    };
    if asking {
        let mut both = Vec::new();
        encode_command(&mut both, &[b"ASKING"]);
        both.extend_from_slice(frame);
        conn.send(&both)?;
        let ok = conn.read_reply()?;
        if ok != Resp::Simple("OK".into()) {
            return Ok(Resp::Error(format!("ASKING got {ok:?}")));
        }
    } else {
        conn.send(frame)?;
    }
    conn.read_reply()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schedule_is_fixed_by_the_rate() {
        let t0 = Instant::now();
        let s = Schedule::new(t0, 20_000);
        assert_eq!(s.due(0), t0);
        assert_eq!(s.due(1), t0 + Duration::from_micros(50));
        assert_eq!(s.due(20_000), t0 + Duration::from_secs(1));
        // Due by a time: every request whose due time is not after it.
        assert_eq!(s.due_by(t0), 1);
        assert_eq!(s.due_by(t0 + Duration::from_micros(49)), 1);
        assert_eq!(s.due_by(t0 + Duration::from_micros(50)), 2);
        assert_eq!(s.due_by(t0 + Duration::from_secs(3)), 60_001);
        // A late look (a stalled scheduler) catches up with every missed request.
        let late = t0 + Duration::from_millis(100);
        assert_eq!(s.due_by(late), 2001);
        assert!(s.due(2000) <= late && s.due(2001) > late);
    }

    #[test]
    fn phases_round_trip() {
        for p in [Phase::Warmup, Phase::Before, Phase::During] {
            assert_eq!(Phase::from_u8(p as u8), p);
        }
    }
}
