//! redis-benchmark's tests: which rows a run prints, in which order, and how
//! to go on after one fails. redis-benchmark 7 exits at the first error reply,
//! so a run that stops early is resumed with `-t` and the tests after the one
//! that failed; the failed test gets its own row, marked, never a number.

/// One test of redis-benchmark 7.0, in the order its default suite runs them.
pub struct Test {
    /// The `-t` name that selects it; None for the LPUSH that fills the list
    /// LRANGE reads, which runs whenever any LRANGE test is selected.
    pub select: Option<&'static str>,
    /// The test column of its CSV row.
    pub row: &'static str,
}

const fn test(select: &'static str, row: &'static str) -> Test {
    Test { select: Some(select), row }
}

/// The row of the LPUSH that runs before the LRANGE tests.
const LRANGE_FILL_ROW: &str = "LPUSH (needed to benchmark LRANGE)";

/// redis-benchmark 7.0's default suite (no `-t`), in order.
pub const DEFAULT_SUITE: &[Test] = &[
    test("ping_inline", "PING_INLINE"),
    test("ping_mbulk", "PING_MBULK"),
    test("set", "SET"),
    test("get", "GET"),
    test("incr", "INCR"),
    test("lpush", "LPUSH"),
    test("rpush", "RPUSH"),
    test("lpop", "LPOP"),
    test("rpop", "RPOP"),
    test("sadd", "SADD"),
    test("hset", "HSET"),
    test("spop", "SPOP"),
    test("zadd", "ZADD"),
    test("zpopmin", "ZPOPMIN"),
    Test { select: None, row: LRANGE_FILL_ROW },
    test("lrange_100", "LRANGE_100 (first 100 elements)"),
    test("lrange_300", "LRANGE_300 (first 300 elements)"),
    test("lrange_500", "LRANGE_500 (first 500 elements)"),
    test("lrange_600", "LRANGE_600 (first 600 elements)"),
    test("mset", "MSET (10 keys)"),
];

/// The tests a `-t` list selects, in run order, as redis-benchmark does:
/// `ping` selects both PINGs, `lrange` every LRANGE, and any LRANGE brings
/// the LPUSH that fills its list. Names it does not know select nothing.
pub fn selected(names: &[&str]) -> Vec<&'static Test> {
    let picked = |t: &Test| {
        let Some(select) = t.select else { return false };
        names.iter().any(|n| {
            let n = n.to_ascii_lowercase();
            n == select
                || (n == "ping" && select.starts_with("ping_"))
                || (n == "lrange" && select.starts_with("lrange_"))
        })
    };
    let any_lrange = DEFAULT_SUITE.iter().any(|t| picked(t) && is_lrange(t));
    DEFAULT_SUITE.iter().filter(|t| picked(t) || (t.select.is_none() && any_lrange)).collect()
}

fn is_lrange(t: &Test) -> bool {
    t.select.is_some_and(|s| s.starts_with("lrange_"))
}

/// After a run of `expected` stopped at `expected[failed]`: the tests still
/// to run. A failed list fill takes every LRANGE with it (they would rerun it).
pub fn after_failure(expected: &[&'static Test], failed: usize) -> Vec<&'static Test> {
    let fill_failed = expected[failed].select.is_none();
    expected[failed + 1..].iter().copied().filter(|t| !(fill_failed && is_lrange(t))).collect()
}

/// The `-t` names that run `tests` (the list fill comes with the LRANGEs).
pub fn select_names(tests: &[&Test]) -> Vec<&'static str> {
    tests.iter().filter_map(|t| t.select).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(tests: &[&Test]) -> Vec<&'static str> {
        tests.iter().map(|t| t.row).collect()
    }

    #[test]
    fn selection_follows_redis_benchmark() {
        assert_eq!(rows(&selected(&["get", "set"])), ["SET", "GET"]);
        assert_eq!(rows(&selected(&["ping"])), ["PING_INLINE", "PING_MBULK"]);
        assert_eq!(
            rows(&selected(&["lrange_300", "MSET"])),
            [LRANGE_FILL_ROW, "LRANGE_300 (first 300 elements)", "MSET (10 keys)"]
        );
        assert_eq!(selected(&["lrange"]).len(), 5);
        assert!(selected(&["nosuch"]).is_empty());
    }

    #[test]
    fn resumes_after_the_failed_test() {
        let all: Vec<&Test> = DEFAULT_SUITE.iter().collect();
        let spop = all.iter().position(|t| t.row == "SPOP").unwrap();
        let rest = after_failure(&all, spop);
        assert_eq!(rest[0].row, "ZADD");
        assert_eq!(select_names(&rest)[..3], ["zadd", "zpopmin", "lrange_100"]);
        let fill = all.iter().position(|t| t.select.is_none()).unwrap();
        assert_eq!(rows(&after_failure(&all, fill)), ["MSET (10 keys)"]);
    }
}
