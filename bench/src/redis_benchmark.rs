//! Running redis-benchmark and reading its `--csv` output.
//!
//! redis-benchmark 7 prints, in CSV mode, a header line and one line per test:
//! `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",
//! "p95_latency_ms","p99_latency_ms","max_latency_ms"`. Columns are found by
//! name, so an older or newer column order still parses.

use std::path::PathBuf;
use std::process::Stdio;

use crate::cleanup;
use crate::servers::pinned_command;

/// The load one redis-benchmark run puts on a server.
#[derive(Clone, Debug)]
pub struct Load {
    /// Path or name (looked up in PATH) of redis-benchmark.
    pub program: PathBuf,
    /// CPUs the client runs on (`taskset -c`), if pinned.
    pub pin: Option<String>,
    /// `-c`: parallel connections.
    pub clients: u32,
    /// `-n`: requests per test.
    pub requests: u64,
    /// `-d`: value size of SET and friends, bytes.
    pub data_bytes: usize,
    /// `-r`: random keys from this range (0: one fixed key).
    pub keyspace: u64,
    /// `--threads`: client threads (1: redis-benchmark's default single thread).
    pub threads: u32,
}

/// One result line.
#[derive(Clone, Debug, PartialEq)]
pub struct CsvRow {
    /// Test name as redis-benchmark prints it (`SET`, `MSET (10 keys)`, ...).
    pub test: String,
    /// Requests per second.
    pub rps: f64,
    /// Median latency, ms.
    pub p50_ms: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
}

impl Load {
    /// Runs test `test` (a `-t` name) with pipeline depth `pipeline` against
    /// `127.0.0.1:port` and returns its result lines (usually one; `ping` gives two).
    pub fn run(&self, port: u16, test: &str, pipeline: u32) -> Result<Vec<CsvRow>, String> {
        let mut cmd = pinned_command(&self.program, self.pin.as_deref());
        cmd.args(["-h", "127.0.0.1", "-p", &port.to_string(), "--csv", "-t", test])
            .args(["-P", &pipeline.to_string(), "-c", &self.clients.to_string()])
            .args(["-n", &self.requests.to_string(), "-d", &self.data_bytes.to_string()]);
        if self.keyspace > 0 {
            cmd.args(["-r", &self.keyspace.to_string()]);
        }
        if self.threads > 1 {
            cmd.args(["--threads", &self.threads.to_string()]);
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let child = cleanup::spawn(&mut cmd, None)
            .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
        let pid = child.id();
        let out = child.wait_with_output();
        cleanup::unregister(pid);
        let out = out.map_err(|e| e.to_string())?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let rows = parse_csv(&stdout);
        match rows {
            Ok(rows) if out.status.success() && !rows.is_empty() => Ok(rows),
            _ => Err(format!(
                "redis-benchmark -t {test} failed ({}): {}{}",
                out.status,
                stdout.trim(),
                String::from_utf8_lossy(&out.stderr).trim()
            )),
        }
    }
}

/// Parses redis-benchmark's CSV output (header line first).
pub fn parse_csv(text: &str) -> Result<Vec<CsvRow>, String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let header = split_csv_line(lines.next().ok_or("empty CSV output")?);
    let column = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("no column {name:?} in CSV header"))
    };
    let (test, rps, p50, p99) =
        (column("test")?, column("rps")?, column("p50_latency_ms")?, column("p99_latency_ms")?);
    lines
        .map(|line| {
            let fields = split_csv_line(line);
            let num = |i: usize| -> Result<f64, String> {
                fields
                    .get(i)
                    .and_then(|f| f.parse().ok())
                    .ok_or_else(|| format!("bad CSV line {line:?}"))
            };
            let name = fields.get(test).ok_or_else(|| format!("bad CSV line {line:?}"))?;
            Ok(CsvRow { test: name.clone(), rps: num(rps)?, p50_ms: num(p50)?, p99_ms: num(p99)? })
        })
        .collect()
}

/// Splits one CSV line into fields, removing quotes (`""` inside quotes is a quote).
fn split_csv_line(line: &str) -> Vec<String> {
    let (mut fields, mut field, mut quoted) = (Vec::new(), String::new(), false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#""test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
"SET","235294.11","0.564","0.072","0.287","2.199","5.735","8.767"
"MSET (10 keys)","98039.22","0.444","0.072","0.239","2.551","4.575","5.135"
"#;

    #[test]
    fn parses_redis_benchmark_7_csv() {
        let rows = parse_csv(SAMPLE).unwrap();
        assert_eq!(
            rows,
            vec![
                CsvRow { test: "SET".into(), rps: 235294.11, p50_ms: 0.287, p99_ms: 5.735 },
                CsvRow {
                    test: "MSET (10 keys)".into(),
                    rps: 98039.22,
                    p50_ms: 0.239,
                    p99_ms: 4.575
                },
            ]
        );
    }

    #[test]
    fn rejects_missing_columns_and_bad_numbers() {
        assert!(parse_csv("\"test\",\"rps\"\n\"SET\",\"1\"\n").is_err());
        let bad = SAMPLE.replace("235294.11", "fast");
        assert!(parse_csv(&bad).is_err());
        assert!(parse_csv("").is_err());
    }

    #[test]
    fn splits_quoted_fields() {
        assert_eq!(split_csv_line(r#""a,b","c""d",e"#), vec!["a,b", "c\"d", "e"]);
    }
}
