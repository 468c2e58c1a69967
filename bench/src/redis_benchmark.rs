//! Running redis-benchmark and reading its `--csv` output.
//!
//! redis-benchmark 7 prints, in CSV mode, a header line and one line per test:
//! `"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",
//! "p95_latency_ms","p99_latency_ms","max_latency_ms"`. Columns are found by
//! name, so an older or newer column order still parses.

use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdout, Stdio};

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
    /// Starts redis-benchmark with pipeline depth `pipeline` against
    /// `127.0.0.1:port`: the tests `tests` (`-t` names), or its whole default
    /// suite when `tests` is None. Rows are read as each test ends (stdout is
    /// line-buffered through `stdbuf -oL`), so that the caller can sample the
    /// server between tests.
    pub fn start(
        &self,
        port: u16,
        tests: Option<&[&str]>,
        pipeline: u32,
    ) -> Result<Invocation, String> {
        let mut cmd = pinned_command(Path::new("stdbuf"), self.pin.as_deref());
        cmd.arg("-oL").arg(&self.program);
        cmd.args(["-h", "127.0.0.1", "-p", &port.to_string(), "--csv"])
            .args(["-P", &pipeline.to_string(), "-c", &self.clients.to_string()])
            .args(["-n", &self.requests.to_string(), "-d", &self.data_bytes.to_string()]);
        if let Some(tests) = tests {
            cmd.args(["-t", &tests.join(",")]);
        }
        if self.keyspace > 0 {
            cmd.args(["-r", &self.keyspace.to_string()]);
        }
        if self.threads > 1 {
            cmd.args(["--threads", &self.threads.to_string()]);
        }
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cleanup::spawn(&mut cmd, None)
            .map_err(|e| format!("cannot run {}: {e}", self.program.display()))?;
        let stdout = BufReader::new(child.stdout.take().expect("stdout is piped"));
        Ok(Invocation { child, stdout, columns: None, other: Vec::new() })
    }
}

/// A running redis-benchmark whose result rows are read one by one.
pub struct Invocation {
    child: Child,
    stdout: BufReader<ChildStdout>,
    /// Column positions, once the header line has been read.
    columns: Option<Columns>,
    /// Lines of stdout that are neither the header nor a row.
    other: Vec<String>,
}

impl Invocation {
    /// Process id of the running redis-benchmark.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The next result row, waiting for it; None at the end of the output.
    pub fn next_row(&mut self) -> Result<Option<CsvRow>, String> {
        let mut line = String::new();
        loop {
            line.clear();
            if self.stdout.read_line(&mut line).map_err(|e| e.to_string())? == 0 {
                return Ok(None);
            }
            let text = line.trim();
            if !text.starts_with('"') {
                if !text.is_empty() {
                    self.other.push(text.to_string());
                }
                continue;
            }
            match &self.columns {
                None => self.columns = Some(Columns::from_header(text)?),
                Some(columns) => return columns.row(text).map(Some),
            }
        }
    }

    /// Waits for the process: Ok if it exited with success, else its status
    /// and what it printed besides rows (redis-benchmark 7 stops at the first
    /// error reply, printing `Error from server: ...` on stderr).
    pub fn finish(mut self) -> Result<(), String> {
        while self.next_row()?.is_some() {}
        let pid = self.child.id();
        let mut stderr = String::new();
        if let Some(mut pipe) = self.child.stderr.take() {
            let _ = pipe.read_to_string(&mut stderr);
        }
        let status = self.child.wait();
        cleanup::unregister(pid);
        let status = status.map_err(|e| e.to_string())?;
        if status.success() {
            return Ok(());
        }
        let mut said: Vec<&str> = self.other.iter().map(String::as_str).collect();
        said.extend(stderr.lines().map(str::trim).filter(|l| !l.is_empty()));
        Err(format!("redis-benchmark exited with {status}: {}", said.join(" / ")))
    }
}

impl Drop for Invocation {
    fn drop(&mut self) {
        // Only reached with the process still running after an early return.
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
        cleanup::unregister(self.child.id());
    }
}

/// Where the wanted fields are in a CSV line.
struct Columns {
    test: usize,
    rps: usize,
    p50: usize,
    p99: usize,
}

impl Columns {
    fn from_header(line: &str) -> Result<Columns, String> {
        let header = split_csv_line(line);
        let column = |name: &str| {
            header
                .iter()
                .position(|h| h == name)
                .ok_or_else(|| format!("no column {name:?} in CSV header"))
        };
        Ok(Columns {
            test: column("test")?,
            rps: column("rps")?,
            p50: column("p50_latency_ms")?,
            p99: column("p99_latency_ms")?,
        })
    }

    fn row(&self, line: &str) -> Result<CsvRow, String> {
        let fields = split_csv_line(line);
        let num = |i: usize| -> Result<f64, String> {
            fields
                .get(i)
                .and_then(|f| f.parse().ok())
                .ok_or_else(|| format!("bad CSV line {line:?}"))
        };
        let name = fields.get(self.test).ok_or_else(|| format!("bad CSV line {line:?}"))?;
        Ok(CsvRow {
            test: name.clone(),
            rps: num(self.rps)?,
            p50_ms: num(self.p50)?,
            p99_ms: num(self.p99)?,
        })
    }
}

/// Parses redis-benchmark's CSV output (header line first).
#[cfg(test)]
fn parse_csv(text: &str) -> Result<Vec<CsvRow>, String> {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let columns = Columns::from_header(lines.next().ok_or("empty CSV output")?)?;
    lines.map(|line| columns.row(line)).collect()
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
