//! Memory per element: for each data set, start a fresh server, note its
//! memory, load the data set with a deterministic pipelined loader, note it
//! again, and divide the growth by the number of elements. Two measures:
//! `used_memory` from INFO memory (what the allocator reports; missing if the
//! server has no INFO) and the resident set size from /proc.

use std::time::Instant;

use crate::client::{encode_command, Conn, Resp};
use crate::procfs;
use crate::servers::{Kind, Server};
use crate::table::{count, fixed, ratio, Table};

/// Commands sent per write before reading their replies.
const LOAD_BATCH: u64 = 1000;

/// Elements added by one command of the big collections.
const PER_COMMAND: u64 = 10;

/// Fields of each small hash.
const SMALL_HASH_FIELDS: u64 = 10;

/// The key redis-benchmark uses for random number `i`.
pub fn key_name(i: u64) -> String {
    format!("key:{i:012}")
}

/// Member (or list element) number `i`: `member:0000001`.
fn member(i: u64) -> String {
    format!("member:{i:07}")
}

/// What the memory mode loads; every data set has `n` elements.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Dataset {
    /// `n` string keys `key:%012d` of `-d` bytes (SET).
    Strings,
    /// One hash of `n` fields `field:%07d` with values `value:%07d` (HSET, 10 a command).
    Hash,
    /// One set of `n` members `member:%07d` (SADD, 10 a command).
    Set,
    /// One sorted set of `n` members `member:%07d`, score = index (ZADD, 10 a command).
    Zset,
    /// One list of `n` elements `member:%07d` (RPUSH, 10 a command).
    List,
    /// `n / 10` hashes `hash:%07d` of 10 fields `field:0`..`field:9` (one HSET each).
    SmallHashes,
}

impl Dataset {
    /// Every data set, in table order.
    pub const ALL: [Dataset; 6] = [
        Dataset::Hash,
        Dataset::Set,
        Dataset::Zset,
        Dataset::List,
        Dataset::SmallHashes,
        Dataset::Strings,
    ];

    fn name(self) -> &'static str {
        match self {
            Dataset::Strings => "strings",
            Dataset::Hash => "hash",
            Dataset::Set => "set",
            Dataset::Zset => "zset",
            Dataset::List => "list",
            Dataset::SmallHashes => "small hashes",
        }
    }

    /// The elements counted: keys for strings, fields for hashes.
    fn unit(self) -> &'static str {
        match self {
            Dataset::Strings => "key",
            Dataset::Hash | Dataset::SmallHashes => "field",
            Dataset::Set | Dataset::Zset | Dataset::List => "member",
        }
    }

    /// The elements a data set of scale `n` holds (a multiple of what one command adds).
    fn elements(self, n: u64) -> u64 {
        let per = self.per_command();
        (n / per).max(1) * per
    }

    fn per_command(self) -> u64 {
        match self {
            Dataset::Strings => 1,
            Dataset::SmallHashes => SMALL_HASH_FIELDS,
            _ => PER_COMMAND,
        }
    }

    /// The key of a one-key data set, or of the first key of the others.
    fn first_key(self) -> String {
        match self {
            Dataset::Strings => key_name(0),
            Dataset::Hash => "bighash".into(),
            Dataset::Set => "bigset".into(),
            Dataset::Zset => "bigzset".into(),
            Dataset::List => "biglist".into(),
            Dataset::SmallHashes => small_hash_key(0),
        }
    }

    /// Appends command `c` of the loader (elements `c * per_command ..`).
    fn encode(self, frame: &mut Vec<u8>, c: u64, value: &[u8]) {
        let first = c * self.per_command();
        let range = first..first + self.per_command();
        let mut args: Vec<Vec<u8>> = Vec::new();
        match self {
            Dataset::Strings => {
                args.extend([b"SET".to_vec(), key_name(c).into_bytes(), value.to_vec()]);
            }
            Dataset::Hash => {
                args.extend([b"HSET".to_vec(), self.first_key().into_bytes()]);
                for i in range {
                    args.push(format!("field:{i:07}").into_bytes());
                    args.push(format!("value:{i:07}").into_bytes());
                }
            }
            Dataset::Set | Dataset::List => {
                let verb = if self == Dataset::Set { "SADD" } else { "RPUSH" };
                args.extend([verb.into(), self.first_key().into_bytes()]);
                args.extend(range.map(|i| member(i).into_bytes()));
            }
            Dataset::Zset => {
                args.extend([b"ZADD".to_vec(), self.first_key().into_bytes()]);
                for i in range {
                    args.push(i.to_string().into_bytes());
                    args.push(member(i).into_bytes());
                }
            }
            Dataset::SmallHashes => {
                args.extend([b"HSET".to_vec(), small_hash_key(c).into_bytes()]);
                for (f, i) in range.enumerate() {
                    args.push(format!("field:{f}").into_bytes());
                    args.push(format!("value:{i:07}").into_bytes());
                }
            }
        }
        encode_command(frame, &args);
    }

    /// The command whose integer reply must be the data set's size after loading.
    fn size_query(self) -> Vec<Vec<u8>> {
        let verb = match self {
            Dataset::Strings | Dataset::SmallHashes => return vec![b"DBSIZE".to_vec()],
            Dataset::Hash => "HLEN",
            Dataset::Set => "SCARD",
            Dataset::Zset => "ZCARD",
            Dataset::List => "LLEN",
        };
        vec![verb.into(), self.first_key().into_bytes()]
    }

    /// What `size_query` must answer for `elements` elements.
    fn expected_size(self, elements: u64) -> u64 {
        match self {
            Dataset::SmallHashes => elements / SMALL_HASH_FIELDS,
            _ => elements,
        }
    }
}

fn small_hash_key(i: u64) -> String {
    format!("hash:{i:07}")
}

/// Loads `dataset` at scale `n` through `conn`, pipelined, printing progress
/// on stderr under `label`; every reply must be an integer or OK.
pub fn load(
    conn: &mut Conn,
    label: &str,
    dataset: Dataset,
    n: u64,
    value_bytes: usize,
) -> Result<(), String> {
    let value = vec![b'x'; value_bytes];
    let commands = dataset.elements(n) / dataset.per_command();
    let mut frame = Vec::new();
    let step = (commands / 10).max(1);
    let mut start = 0;
    while start < commands {
        let end = (start + LOAD_BATCH).min(commands);
        frame.clear();
        for c in start..end {
            dataset.encode(&mut frame, c, &value);
        }
        conn.send(&frame).map_err(|e| format!("{label}: loading: {e}"))?;
        for _ in start..end {
            match conn.read_reply().map_err(|e| format!("{label}: loading: {e}"))? {
                Resp::Int(_) => {}
                Resp::Simple(s) if s == "OK" => {}
                other => return Err(format!("{label}: {} loader got {other:?}", dataset.name())),
            }
        }
        if end / step != start / step || end == commands {
            eprintln!("  {label}: {}: {}%", dataset.name(), end * 100 / commands);
        }
        start = end;
    }
    Ok(())
}

/// What loading one data set did to one server.
pub struct Footprint {
    /// Growth of INFO used_memory, bytes (None without INFO).
    pub used_memory_bytes: Option<f64>,
    /// Growth of the resident set, bytes.
    pub rss_bytes: Option<f64>,
    /// OBJECT ENCODING of the (first) key.
    pub encoding: String,
    /// Elements loaded per second.
    pub load_elements_per_s: f64,
}

/// Starts `kind` fresh, loads `dataset` at scale `n` and measures.
pub fn measure(
    label: &str,
    kind: &Kind,
    pin: Option<&str>,
    dataset: Dataset,
    n: u64,
    value_bytes: usize,
) -> Result<Footprint, String> {
    eprintln!("memory: {} on a fresh {label}", dataset.name());
    let server = Server::start(label, kind, pin)?;
    let mut conn = server.conn().map_err(|e| format!("{label}: {e}"))?;
    let used_before = conn.info_field(b"memory", "used_memory");
    if used_before.is_none() {
        eprintln!("  {label}: INFO memory has no used_memory; only RSS is measured");
    }
    let rss_before = procfs::rss_bytes(server.pid()).ok();
    let started = Instant::now();
    load(&mut conn, label, dataset, n, value_bytes)?;
    let load_s = started.elapsed().as_secs_f64();
    let used_after = conn.info_field(b"memory", "used_memory");
    let rss_after = procfs::rss_bytes(server.pid()).ok();
    let elements = dataset.elements(n);
    let query = dataset.size_query();
    let query: Vec<&[u8]> = query.iter().map(Vec::as_slice).collect();
    match conn.command(&query) {
        Ok(Resp::Int(size)) if size as u64 == dataset.expected_size(elements) => {}
        other => return Err(format!("{label}: {} holds {other:?} after loading", dataset.name())),
    }
    let encoding = match conn.command(&[b"OBJECT", b"ENCODING", dataset.first_key().as_bytes()]) {
        Ok(Resp::Bulk(Some(name))) => String::from_utf8_lossy(&name).into_owned(),
        other => format!("{other:?}"),
    };
    let growth = |before: Option<u64>, after: Option<u64>| Some(after? as f64 - before? as f64);
    Ok(Footprint {
        used_memory_bytes: growth(used_before, used_after),
        rss_bytes: growth(rss_before, rss_after),
        encoding,
        load_elements_per_s: elements as f64 / load_s,
    })
}

/// Both servers' footprints for one data set, or why there is none.
pub type Measured = [Result<Footprint, String>; 2];

/// The side-by-side table; `results` holds, per data set, both servers'
/// footprints (ratio = first / second; a failed load shows `error`).
pub fn table(labels: [&str; 2], n: u64, results: &[(Dataset, Measured)]) -> Table {
    let mut head = vec!["data set".to_string(), "per".into(), "count".into()];
    for measure in ["used_memory B", "RSS B"] {
        head.extend([
            format!("{} {measure}", labels[0]),
            format!("{} {measure}", labels[1]),
            "ratio".into(),
        ]);
    }
    head.extend(labels.iter().map(|l| format!("{l} encoding")));
    head.extend(labels.iter().map(|l| format!("{l} load/s")));
    let mut t = Table::new(&head.iter().map(String::as_str).collect::<Vec<_>>());
    for (dataset, [a, b]) in results {
        let (a, b) = (a.as_ref().ok(), b.as_ref().ok());
        let elements = dataset.elements(n);
        let mut divisors = vec![(dataset.unit(), elements)];
        if *dataset == Dataset::SmallHashes {
            divisors.insert(0, ("hash", elements / SMALL_HASH_FIELDS));
        }
        for (unit, units) in divisors {
            let per = |v: Option<f64>| v.map(|v| v / units as f64);
            let mut cells =
                vec![dataset.name().to_string(), unit.to_string(), count(Some(units as f64))];
            for get in [|f: &Footprint| f.used_memory_bytes, |f: &Footprint| f.rss_bytes] {
                let (x, y) = (per(a.and_then(get)), per(b.and_then(get)));
                cells.extend([fixed(x, 1), fixed(y, 1), ratio(x, y)]);
            }
            for f in [a, b] {
                cells.push(f.map_or("error".into(), |f| f.encoding.clone()));
            }
            for f in [a, b] {
                cells.push(count(f.map(|f| f.load_elements_per_s)));
            }
            t.row(cells);
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_redis_benchmark() {
        assert_eq!(key_name(42), "key:000000000042");
        assert_eq!(member(1), "member:0000001");
    }

    #[test]
    fn loader_commands() {
        let mut frame = Vec::new();
        Dataset::Zset.encode(&mut frame, 1, b"");
        let text = String::from_utf8(frame).unwrap();
        assert!(text.starts_with(
            "*22\r\n$4\r\nZADD\r\n$7\r\nbigzset\r\n$2\r\n10\r\n$14\r\nmember:0000010\r\n"
        ));
        let mut frame = Vec::new();
        Dataset::SmallHashes.encode(&mut frame, 3, b"");
        let text = String::from_utf8(frame).unwrap();
        assert!(text.starts_with(
            "*22\r\n$4\r\nHSET\r\n$12\r\nhash:0000003\r\n$7\r\nfield:0\r\n$13\r\nvalue:0000030\r\n"
        ));
        assert_eq!(Dataset::SmallHashes.elements(1_000_000), 1_000_000);
        assert_eq!(Dataset::SmallHashes.expected_size(1_000_000), 100_000);
        assert_eq!(Dataset::Hash.elements(15), 10);
    }
}
