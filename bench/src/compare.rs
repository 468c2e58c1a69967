//! The throughput comparison: two running servers, the same redis-benchmark run
//! against each in turn (A B, A B, ... for every round, test and pipeline
//! depth; or the whole default suite per run), with the server's CPU time and
//! error-reply count sampled between tests. The table shows medians over the
//! rounds and B-relative ratios (A / B), and marks tests that saw errors.

use std::time::{Duration, Instant};

use crate::client::Conn;
use crate::procfs;
use crate::redis_benchmark::{Invocation, Load};
use crate::servers::Server;
use crate::suite;
use crate::table::{count, fixed, median, ratio, Table};

/// What to run.
pub struct Plan {
    /// redis-benchmark `-t` names, each run on its own so CPU time is per
    /// test; None: its whole default suite in one run per server.
    pub tests: Option<Vec<String>>,
    /// Pipeline depths (`-P`).
    pub pipelines: Vec<u32>,
    /// Rounds; each round runs every test on both servers.
    pub rounds: u32,
    /// Client settings shared by every run.
    pub load: Load,
}

impl Plan {
    /// The redis-benchmark runs of one round and pipeline depth, each a `-t`
    /// list or None for the default suite.
    fn runs(&self) -> Vec<Option<Vec<&str>>> {
        match &self.tests {
            Some(tests) => tests.iter().map(|t| Some(vec![t.as_str()])).collect(),
            None => vec![None],
        }
    }
}

/// One run of one test against one server.
struct Sample {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Server CPU time per request, µs (None if /proc could not be read).
    cpu_us_per_op: Option<f64>,
    /// Time the server's and the client's threads waited for a CPU, as a
    /// percentage of the test's duration: how much other processes got in
    /// the way (None if /proc could not be read).
    runq_pct: Option<f64>,
}

/// What one test's run gave: a sample, or why there is none.
type Outcome = Result<Sample, String>;

/// Where each test's outcome goes, as soon as it is known.
type Record<'a> = &'a mut dyn FnMut(&str, Outcome);

/// All samples of one (test, pipeline) pair, per server, and the errors of
/// the runs that produced none.
struct Series {
    test: String,
    pipeline: u32,
    samples: [Vec<Sample>; 2],
    errors: [Vec<String>; 2],
}

/// Runs `plan` against `servers` and returns the result table and the
/// errors seen (one line each); a test whose server replied an error (or
/// whose run failed) is left out of the medians and marked in the table.
pub fn run(servers: &[Server; 2], plan: &Plan) -> (Table, Vec<String>) {
    let mut series: Vec<Series> = Vec::new();
    for round in 1..=plan.rounds {
        for &pipeline in &plan.pipelines {
            for tests in plan.runs() {
                for (side, server) in servers.iter().enumerate() {
                    let what = tests.as_ref().map_or("default suite".into(), |t| t.join(","));
                    eprintln!(
                        "[round {round}/{}] {what} -P {pipeline} on {}",
                        plan.rounds, server.label
                    );
                    let mut record = |test: &str, outcome: Outcome| {
                        let s = series_for(&mut series, test, pipeline);
                        match outcome {
                            Ok(sample) => {
                                eprintln!("  {test}: {} ops/s", count(Some(sample.rps)));
                                s.samples[side].push(sample);
                            }
                            Err(e) => {
                                eprintln!("  {test}: ERROR {e}");
                                s.errors[side].push(e);
                            }
                        }
                    };
                    run_tests(server, &plan.load, tests.as_deref(), pipeline, &mut record);
                }
            }
        }
    }
    let labels = [servers[0].label.as_str(), servers[1].label.as_str()];
    (table(labels, &series), error_notes(labels, &series))
}

/// The counters sampled between tests.
struct Counters {
    at: Instant,
    /// Server CPU time.
    cpu: Option<Duration>,
    /// Run-queue waits of the server plus the client.
    run_delay: Option<Duration>,
    /// INFO stats `total_error_replies` (None without INFO).
    error_replies: Option<u64>,
}

impl Counters {
    fn read(server: &Server, client_pid: u32, info: &mut Option<Conn>) -> Counters {
        let error_replies =
            info.as_mut().and_then(|c| c.info_field(b"stats", "total_error_replies"));
        let waits = (procfs::run_delay(server.pid()), procfs::run_delay(client_pid));
        Counters {
            at: Instant::now(),
            cpu: procfs::cpu_time(server.pid()).ok(),
            run_delay: match waits {
                (Ok(s), Ok(c)) => Some(s + c),
                _ => None,
            },
            error_replies,
        }
    }
}

/// Runs `tests` (`-t` names; None: the default suite) against `server` and
/// records each test's outcome, in run order. redis-benchmark stops at the
/// first error reply: the test it stopped in is reported as failed and the
/// rest are run by a new redis-benchmark. A test during which the server's
/// error counter grew is reported as failed too.
fn run_tests(server: &Server, load: &Load, tests: Option<&[&str]>, pipeline: u32, record: Record) {
    let mut expected: Vec<&suite::Test> = match tests {
        Some(names) => suite::selected(names),
        None => suite::DEFAULT_SUITE.iter().collect(),
    };
    let mut select: Option<Vec<&str>> = tests.map(<[&str]>::to_vec);
    let mut info = server.conn().ok();
    loop {
        let mut got = 0;
        let failure = match load.start(server.port, select.as_deref(), pipeline) {
            Ok(mut inv) => {
                match read_rows(server, load, &mut info, &mut inv, &mut got, &mut *record) {
                    Ok(()) => inv.finish().err(),
                    Err(e) => Some(e),
                }
            }
            Err(e) => Some(e),
        };
        let Some(error) = failure else {
            if got == 0 {
                let what = select.map_or("default suite".into(), |s| s.join(","));
                record(&what, Err("redis-benchmark printed no result".into()));
            }
            return;
        };
        let Some(failed) = expected.get(got) else {
            return record("redis-benchmark", Err(error));
        };
        record(failed.row, Err(error));
        expected = suite::after_failure(&expected, got);
        if expected.is_empty() {
            return;
        }
        select = Some(suite::select_names(&expected));
    }
}

/// Reads the rows of one redis-benchmark run as they come, sampling the
/// server's counters around each test; `got` counts the rows.
fn read_rows(
    server: &Server,
    load: &Load,
    info: &mut Option<Conn>,
    inv: &mut Invocation,
    got: &mut usize,
    record: Record,
) -> Result<(), String> {
    let mut last = Counters::read(server, inv.pid(), info);
    while let Some(row) = inv.next_row()? {
        let now = Counters::read(server, inv.pid(), info);
        let delta = |a: Option<Duration>, b: Option<Duration>| Some(a?.saturating_sub(b?));
        let cpu_us_per_op =
            delta(now.cpu, last.cpu).map(|d| d.as_secs_f64() * 1e6 / load.requests as f64);
        let wall_s = now.at.duration_since(last.at).as_secs_f64();
        let runq_pct = delta(now.run_delay, last.run_delay)
            .filter(|_| wall_s > 0.0)
            .map(|d| d.as_secs_f64() * 100.0 / wall_s);
        let errors = match (last.error_replies, now.error_replies) {
            (Some(b), Some(a)) => a.saturating_sub(b),
            _ => 0,
        };
        let outcome = if errors > 0 {
            Err(format!("server counted {errors} error replies (INFO total_error_replies)"))
        } else {
            Ok(Sample {
                rps: row.rps,
                p50_ms: row.p50_ms,
                p99_ms: row.p99_ms,
                cpu_us_per_op,
                runq_pct,
            })
        };
        *got += 1;
        record(&row.test, outcome);
        last = now;
    }
    Ok(())
}

fn series_for<'a>(series: &'a mut Vec<Series>, test: &str, pipeline: u32) -> &'a mut Series {
    let i = match series.iter().position(|s| s.test == test && s.pipeline == pipeline) {
        Some(i) => i,
        None => {
            series.push(Series {
                test: test.to_string(),
                pipeline,
                samples: [Vec::new(), Vec::new()],
                errors: [Vec::new(), Vec::new()],
            });
            series.len() - 1
        }
    };
    &mut series[i]
}

/// One measured quantity: its column title, how to read it from a sample, how to print it.
struct Metric {
    title: &'static str,
    get: fn(&Sample) -> Option<f64>,
    format: fn(Option<f64>) -> String,
}

/// The table's measures, each shown for both servers and as a ratio.
const METRICS: [Metric; 5] = [
    Metric { title: "ops/s", get: |x| Some(x.rps), format: count },
    Metric { title: "p50 ms", get: |x| Some(x.p50_ms), format: |v| fixed(v, 3) },
    Metric { title: "p99 ms", get: |x| Some(x.p99_ms), format: |v| fixed(v, 3) },
    Metric { title: "CPU µs/op", get: |x| x.cpu_us_per_op, format: |v| fixed(v, 2) },
    Metric { title: "runq %", get: |x| x.runq_pct, format: |v| fixed(v, 1) },
];

fn table(labels: [&str; 2], series: &[Series]) -> Table {
    let mut head = vec!["test".to_string(), "P".into()];
    for m in &METRICS {
        head.extend([
            format!("{} {}", labels[0], m.title),
            format!("{} {}", labels[1], m.title),
            "ratio".into(),
        ]);
    }
    head.push("errors".into());
    let mut t = Table::new(&head.iter().map(String::as_str).collect::<Vec<_>>());
    for s in series {
        let failed: Vec<String> = (0..2)
            .filter(|&side| !s.errors[side].is_empty())
            .map(|side| format!("{} x{}", labels[side], s.errors[side].len()))
            .collect();
        let test = if failed.is_empty() { s.test.clone() } else { format!("{} (!)", s.test) };
        let mut cells = vec![test, s.pipeline.to_string()];
        for m in &METRICS {
            let med =
                |side: usize| median(&s.samples[side].iter().filter_map(m.get).collect::<Vec<_>>());
            let (x, y) = (med(0), med(1));
            cells.extend([(m.format)(x), (m.format)(y), ratio(x, y)]);
        }
        cells.push(if failed.is_empty() { "-".into() } else { failed.join(" ") });
        t.row(cells);
    }
    t
}

/// One line per test, depth and server that saw errors: how many runs, and
/// the first run's message (they differ only in the random keys they quote).
fn error_notes(labels: [&str; 2], series: &[Series]) -> Vec<String> {
    let mut notes = Vec::new();
    for s in series {
        for (side, errors) in s.errors.iter().enumerate() {
            if let Some(first) = errors.first() {
                notes.push(format!(
                    "{} -P {} on {} ({} run(s)): {first}",
                    s.test,
                    s.pipeline,
                    labels[side],
                    errors.len()
                ));
            }
        }
    }
    notes
}
