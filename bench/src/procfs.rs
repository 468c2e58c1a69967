//! What the kernel says about a process: CPU time (user + system, all threads)
//! from `/proc/<pid>/stat`, time its threads waited for a CPU (runnable but
//! not running: other processes had it) from `/proc/<pid>/task/*/schedstat`,
//! and resident memory from `/proc/<pid>/status`.

use std::time::Duration;

/// CPU time `pid` has used so far (utime + stime, summed over its threads).
pub fn cpu_time(pid: u32) -> Result<Duration, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("/proc/{pid}/stat: {e}"))?;
    let ticks = parse_cpu_ticks(&stat).ok_or_else(|| format!("cannot parse /proc/{pid}/stat"))?;
    // SAFETY: sysconf has no preconditions.
    let ticks_per_s = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as u64;
    Ok(Duration::from_nanos(ticks * 1_000_000_000 / ticks_per_s))
}

/// utime + stime, in clock ticks, from the text of `/proc/<pid>/stat`.
fn parse_cpu_ticks(stat: &str) -> Option<u64> {
    // Field 2 (comm) is parenthesised and may hold spaces and ')': the fields
    // that follow start after the last ')'. utime and stime are fields 14 and 15,
    // i.e. the 12th and 13th after it.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut fields = rest.split_whitespace().skip(11);
    let utime: u64 = fields.next()?.parse().ok()?;
    let stime: u64 = fields.next()?.parse().ok()?;
    Some(utime + stime)
}

/// Time the threads of `pid` have spent waiting on a run queue so far.
pub fn run_delay(pid: u32) -> Result<Duration, String> {
    let dir = format!("/proc/{pid}/task");
    let tasks = std::fs::read_dir(&dir).map_err(|e| format!("{dir}: {e}"))?;
    let mut total_ns = 0;
    for task in tasks.flatten() {
        // A thread that exits meanwhile has no schedstat any more: skip it.
        if let Ok(text) = std::fs::read_to_string(task.path().join("schedstat")) {
            total_ns +=
                parse_run_delay_ns(&text).ok_or_else(|| format!("bad schedstat in {dir}"))?;
        }
    }
    Ok(Duration::from_nanos(total_ns))
}

/// The second field of a schedstat line: nanoseconds spent waiting to run.
fn parse_run_delay_ns(schedstat: &str) -> Option<u64> {
    schedstat.split_whitespace().nth(1)?.parse().ok()
}

/// Resident set size of `pid`, in bytes.
pub fn rss_bytes(pid: u32) -> Result<u64, String> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))
        .map_err(|e| format!("/proc/{pid}/status: {e}"))?;
    parse_vm_rss_bytes(&status).ok_or_else(|| format!("no VmRSS in /proc/{pid}/status"))
}

fn parse_vm_rss_bytes(status: &str) -> Option<u64> {
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line["VmRSS:".len()..].trim().trim_end_matches("kB").trim().parse().ok()?;
    Some(kib * 1024)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_ticks_after_odd_comm() {
        let stat =
            "4242 (a) b (c)) S 1 4242 4242 0 -1 4194560 100 0 0 0 250 75 0 0 20 0 3 0 99 0 0";
        assert_eq!(parse_cpu_ticks(stat), Some(325));
    }

    #[test]
    fn vm_rss() {
        assert_eq!(parse_vm_rss_bytes("Name:\tx\nVmRSS:\t    1234 kB\n"), Some(1234 * 1024));
    }

    #[test]
    fn schedstat_run_delay() {
        assert_eq!(parse_run_delay_ns("1176000000 11000000 415\n"), Some(11_000_000));
        assert_eq!(parse_run_delay_ns("12"), None);
    }

    #[test]
    fn own_process_is_readable() {
        let pid = std::process::id();
        assert!(cpu_time(pid).is_ok());
        assert!(run_delay(pid).is_ok());
        assert!(rss_bytes(pid).unwrap() > 0);
    }
}
