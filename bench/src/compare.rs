//! The throughput comparison: two running servers, the same redis-benchmark run
//! against each in turn (A B, A B, ... for every round, test and pipeline
//! depth), with the server's CPU time measured around each run. The table shows
//! medians over the rounds and B-relative ratios (A / B).

use crate::procfs;
use crate::redis_benchmark::{CsvRow, Load};
use crate::servers::Server;
use crate::table::{count, fixed, median, ratio, Table};

/// What to run.
pub struct Plan {
    /// redis-benchmark `-t` names, each run on its own so CPU time is per test.
    pub tests: Vec<String>,
    /// Pipeline depths (`-P`).
    pub pipelines: Vec<u32>,
    /// Rounds; each round runs every test on both servers.
    pub rounds: u32,
    /// Client settings shared by every run.
    pub load: Load,
}

/// One run of one test against one server.
struct Sample {
    rps: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Server CPU time per request, µs (None if /proc could not be read).
    cpu_us_per_op: Option<f64>,
}

/// All samples of one (test, pipeline) pair, per server.
struct Series {
    test: String,
    pipeline: u32,
    samples: [Vec<Sample>; 2],
}

/// Runs `plan` against `servers` and returns the result table; runs that fail
/// are reported on stderr and left out of the medians.
pub fn run(servers: &[Server; 2], plan: &Plan) -> Table {
    let mut series: Vec<Series> = Vec::new();
    for round in 1..=plan.rounds {
        for &pipeline in &plan.pipelines {
            for test in &plan.tests {
                for (side, server) in servers.iter().enumerate() {
                    eprint!(
                        "[round {round}/{}] {test} -P {pipeline} on {} ... ",
                        plan.rounds, server.label
                    );
                    match run_one(server, &plan.load, test, pipeline) {
                        Ok(results) => {
                            let shown: Vec<String> = results
                                .iter()
                                .map(|(r, _)| format!("{} {} ops/s", r.test, count(Some(r.rps))))
                                .collect();
                            eprintln!("{}", shown.join(", "));
                            for (row, sample) in results {
                                series_for(&mut series, &row.test, pipeline).samples[side]
                                    .push(sample);
                            }
                        }
                        Err(e) => eprintln!("FAILED: {e}"),
                    }
                }
            }
        }
    }
    table([&servers[0].label, &servers[1].label], &series)
}

/// One redis-benchmark run with the server's CPU time measured around it.
fn run_one(
    server: &Server,
    load: &Load,
    test: &str,
    pipeline: u32,
) -> Result<Vec<(CsvRow, Sample)>, String> {
    let cpu_before = procfs::cpu_time(server.pid());
    let rows = load.run(server.port, test, pipeline)?;
    let cpu_after = procfs::cpu_time(server.pid());
    let ops = load.requests as f64 * rows.len() as f64;
    let cpu_us_per_op = match (cpu_before, cpu_after) {
        (Ok(b), Ok(a)) => Some(a.saturating_sub(b).as_secs_f64() * 1e6 / ops),
        _ => None,
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let sample = Sample { rps: r.rps, p50_ms: r.p50_ms, p99_ms: r.p99_ms, cpu_us_per_op };
            (r, sample)
        })
        .collect())
}

fn series_for<'a>(series: &'a mut Vec<Series>, test: &str, pipeline: u32) -> &'a mut Series {
    let i = match series.iter().position(|s| s.test == test && s.pipeline == pipeline) {
        Some(i) => i,
        None => {
            series.push(Series {
                test: test.to_string(),
                pipeline,
                samples: [Vec::new(), Vec::new()],
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
const METRICS: [Metric; 4] = [
    Metric { title: "ops/s", get: |x| Some(x.rps), format: count },
    Metric { title: "p50 ms", get: |x| Some(x.p50_ms), format: |v| fixed(v, 3) },
    Metric { title: "p99 ms", get: |x| Some(x.p99_ms), format: |v| fixed(v, 3) },
    Metric { title: "CPU µs/op", get: |x| x.cpu_us_per_op, format: |v| fixed(v, 2) },
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
    let mut t = Table::new(&head.iter().map(String::as_str).collect::<Vec<_>>());
    for s in series {
        let mut cells = vec![s.test.clone(), s.pipeline.to_string()];
        for m in &METRICS {
            let med =
                |side: usize| median(&s.samples[side].iter().filter_map(m.get).collect::<Vec<_>>());
            let (x, y) = (med(0), med(1));
            cells.extend([(m.format)(x), (m.format)(y), ratio(x, y)]);
        }
        t.row(cells);
    }
    t
}
