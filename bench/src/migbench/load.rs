//! Loading the data set at full speed and checking it after the move. Both
//! run one thread per node that sends the commands for the keys the node owns
//! (by CRC16 slot) in pipelined batches and checks every reply, so no error
//! goes unseen; the main thread prints progress meanwhile.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use bench::client::{encode_command, Conn, Resp};
use engine::slot::key_slot;

use crate::dataset::{
    key_name, loaded_value, written_value, Collection, Spec, ELEMENTS_PER_COMMAND,
};

/// Commands per write before their replies are read.
const BATCH: usize = 500;
/// Failures described in full; the rest are only counted.
const FAILURES_SHOWN: usize = 5;
/// Seconds between progress lines.
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

/// What a reply must be.
enum Expect {
    /// `+OK`.
    Ok,
    /// Any integer (elements added).
    AnyInt,
    /// This integer.
    Int(i64),
    /// One of these bulk strings.
    Bulk(Vec<u8>, Option<Vec<u8>>),
}

impl Expect {
    fn matches(&self, reply: &Resp) -> bool {
        match (self, reply) {
            (Expect::Ok, Resp::Simple(s)) => s == "OK",
            (Expect::AnyInt, Resp::Int(_)) => true,
            (Expect::Int(want), Resp::Int(got)) => want == got,
            (Expect::Bulk(a, b), Resp::Bulk(Some(got))) => got == a || b.as_ref() == Some(got),
            _ => false,
        }
    }
}

/// Replies that were not what they had to be.
#[derive(Default)]
pub struct Failures {
    /// How many.
    pub count: u64,
    /// The first few, described.
    pub shown: Vec<String>,
}

impl Failures {
    /// Counts one failure, described by `what`.
    pub fn add(&mut self, what: String) {
        self.count += 1;
        if self.shown.len() < FAILURES_SHOWN {
            self.shown.push(what);
        }
    }

    fn merge(&mut self, other: Failures) {
        self.count += other.count;
        let room = FAILURES_SHOWN.saturating_sub(self.shown.len());
        self.shown.extend(other.shown.into_iter().take(room));
    }
}

/// Pipelined commands on one connection, each reply checked.
struct Pipeline<'a> {
    conn: Conn,
    port: u16,
    frames: Vec<u8>,
    pending: Vec<(Expect, String)>,
    failures: Failures,
    progress: &'a AtomicU64,
    elements: u64,
}

impl<'a> Pipeline<'a> {
    fn new(port: u16, progress: &'a AtomicU64) -> Result<Pipeline<'a>, String> {
        let conn =
            Conn::connect(port, Duration::from_secs(60)).map_err(|e| format!("{port}: {e}"))?;
        let failures = Failures::default();
        Ok(Pipeline {
            conn,
            port,
            frames: Vec::new(),
            pending: Vec::new(),
            failures,
            progress,
            elements: 0,
        })
    }

    /// Queues `args`, whose reply must match `expect`; it counts for
    /// `elements` in the progress, and `what` names it in failures.
    fn push<A: AsRef<[u8]>>(
        &mut self,
        args: &[A],
        expect: Expect,
        elements: u64,
        what: String,
    ) -> Result<(), String> {
        encode_command(&mut self.frames, args);
        self.pending.push((expect, what));
        self.elements += elements;
        if self.pending.len() >= BATCH {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), String> {
        let io = |e: std::io::Error| format!("node {}: {e}", self.port);
        self.conn.send(&self.frames).map_err(io)?;
        self.frames.clear();
        for (expect, what) in std::mem::take(&mut self.pending) {
            let reply = self.conn.read_reply().map_err(io)?;
            if !expect.matches(&reply) {
                self.failures.add(format!("node {}: {what}: {reply:?}", self.port));
            }
        }
        self.progress.fetch_add(std::mem::take(&mut self.elements), Ordering::Relaxed);
        Ok(())
    }

    fn finish(mut self) -> Result<Failures, String> {
        self.flush()?;
        Ok(self.failures)
    }
}

/// Runs `work(port, progress)` on a thread per node while printing the
/// progress (elements done of `total`) under `title`; merges the failures.
fn per_node<F>(title: &str, ports: &[u16], total: u64, work: F) -> Result<Failures, String>
where
    F: Fn(&mut Pipeline) -> Result<(), String> + Sync,
{
    let progress = AtomicU64::new(0);
    let started = Instant::now();
    let results: Vec<Result<Failures, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ports
            .iter()
            .map(|&port| {
                let (work, progress) = (&work, &progress);
                scope.spawn(move || {
                    let mut p = Pipeline::new(port, progress)?;
                    work(&mut p)?;
                    p.finish()
                })
            })
            .collect();
        let mut next = started + PROGRESS_EVERY;
        while !handles.iter().all(|h| h.is_finished()) {
            std::thread::sleep(Duration::from_millis(50));
            if Instant::now() >= next {
                next += PROGRESS_EVERY;
                let done = progress.load(Ordering::Relaxed);
                let rate = done as f64 / started.elapsed().as_secs_f64();
                eprintln!("  {title}: {done}/{total} elements ({rate:.0}/s)");
            }
        }
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|_| Err("thread panicked".into())))
            .collect()
    });
    let mut failures = Failures::default();
    for r in results {
        failures.merge(r?);
    }
    let secs = started.elapsed().as_secs_f64();
    eprintln!("  {title}: {total} elements in {secs:.1} s ({:.0}/s)", total as f64 / secs);
    Ok(failures)
}

/// The collections whose key `owners` puts on `port`.
fn collections_on<'s>(
    spec: &'s Spec,
    owners: &[u16],
    port: u16,
) -> impl Iterator<Item = &'s Collection> {
    let owners = owners.to_vec();
    spec.collections
        .iter()
        .filter(move |c| owners[usize::from(key_slot(c.name.as_bytes()))] == port)
}

/// The string keys `owners` puts on `port`.
fn keys_on(spec: &Spec, owners: &[u16], port: u16) -> impl Iterator<Item = (u64, String)> {
    let owners = owners.to_vec();
    (0..spec.keys)
        .map(|i| (i, key_name(i)))
        .filter(move |(_, k)| owners[usize::from(key_slot(k.as_bytes()))] == port)
}

/// Loads `spec` into the masters on `ports`, each key on its owner by `owners`.
pub fn load(spec: &Spec, owners: &[u16], ports: &[u16]) -> Result<Duration, String> {
    let started = Instant::now();
    let failures = per_node("load", ports, spec.element_count(), |p| {
        for (i, key) in keys_on(spec, owners, p.port) {
            let value = loaded_value(i, spec.value_bytes);
            p.push(&[&b"SET"[..], key.as_bytes(), &value], Expect::Ok, 1, format!("SET {key}"))?;
        }
        for c in collections_on(spec, owners, p.port) {
            for from in (0..spec.elements).step_by(ELEMENTS_PER_COMMAND as usize) {
                let to = (from + ELEMENTS_PER_COMMAND).min(spec.elements);
                let cmd = c.kind.add_command(&c.name, from, to);
                p.push(&cmd, Expect::AnyInt, to - from, format!("adding to {}", c.name))?;
            }
        }
        Ok(())
    })?;
    if failures.count > 0 {
        return Err(format!(
            "{} load errors, first: {}",
            failures.count,
            failures.shown.join("; ")
        ));
    }
    Ok(started.elapsed())
}

/// What the check after the move found.
pub struct Check {
    /// Problems: wrong or missing values, wrong sizes, wrong key counts.
    pub failures: Failures,
    /// Keys on the new master (its DBSIZE).
    pub moved_keys: u64,
    /// Bytes of key names and values on the new master, by the data set's sizes.
    pub moved_bytes: u64,
}

/// Checks every string key (its loaded value, or the value the load's SETs
/// write), every collection's size and three of its elements, and that the
/// DBSIZEs add up to the data set with `owners` (after the move) telling
/// which node serves what; `new_port` is the master that took slots.
pub fn verify(spec: &Spec, owners: &[u16], ports: &[u16], new_port: u16) -> Result<Check, String> {
    let mut failures = per_node("check", ports, spec.element_count(), |p| {
        for (i, key) in keys_on(spec, owners, p.port) {
            let (a, b) = (loaded_value(i, spec.value_bytes), written_value(i, spec.value_bytes));
            p.push(
                &[&b"GET"[..], key.as_bytes()],
                Expect::Bulk(a, Some(b)),
                1,
                format!("GET {key}"),
            )?;
        }
        for c in collections_on(spec, owners, p.port) {
            let size = [c.kind.size_command(), c.name.as_bytes()];
            p.push(
                &size,
                Expect::Int(spec.elements as i64),
                spec.elements,
                format!("size of {}", c.name),
            )?;
            for j in [0, spec.elements / 2, spec.elements.saturating_sub(1)]
                .into_iter()
                .filter(|&j| j < spec.elements)
            {
                let (cmd, want) = c.kind.probe(&c.name, j);
                p.push(&cmd, Expect::Bulk(want, None), 0, format!("element {j} of {}", c.name))?;
            }
        }
        Ok(())
    })?;
    let mut total = 0;
    let mut moved_keys = 0;
    for &port in ports {
        let mut conn =
            Conn::connect(port, Duration::from_secs(10)).map_err(|e| format!("{port}: {e}"))?;
        let Ok(Resp::Int(n)) = conn.command(&[b"DBSIZE"]) else {
            return Err(format!("DBSIZE on {port} failed"));
        };
        total += n as u64;
        if port == new_port {
            moved_keys = n as u64;
        }
    }
    if total != spec.key_count() {
        failures.add(format!("{total} keys on the masters, {} loaded", spec.key_count()));
    }
    let strings_moved = keys_on(spec, owners, new_port).count() as u64;
    let moved_colls: Vec<&Collection> = collections_on(spec, owners, new_port).collect();
    if moved_keys != strings_moved + moved_colls.len() as u64 {
        failures.add(format!(
            "the new master holds {moved_keys} keys, its slots {} of the data set",
            strings_moved + moved_colls.len() as u64
        ));
    }
    let string_bytes = (key_name(0).len() + spec.value_bytes) as u64;
    let moved_bytes = strings_moved * string_bytes
        + moved_colls.iter().map(|c| spec.collection_bytes(c)).sum::<u64>();
    Ok(Check { failures, moved_keys, moved_bytes })
}
