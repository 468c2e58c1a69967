//! MIGRATE's connections to target nodes: per shard, one cached connection per
//! `host:port` (as Redis, at most 64, closed after 10 s unused), requests
//! written and one-line replies read under a deadline, all without blocking
//! the shard.

use std::cell::RefCell;
use std::collections::HashMap;
use std::net::{SocketAddr, ToSocketAddrs};
use std::time::{Duration, Instant};

use futures_lite::{AsyncReadExt, AsyncWriteExt};
use glommio::net::TcpStream;

/// Most cached connections per shard (Redis's MIGRATE_SOCKET_CACHE_ITEMS).
const CACHE_ITEMS: usize = 64;
/// A cached connection unused this long is closed (MIGRATE_SOCKET_CACHE_TTL).
const CACHE_TTL: Duration = Duration::from_secs(10);
/// Longest reply line kept; a longer one is cut (Redis reads into 1 KiB).
const MAX_LINE_BYTES: usize = 64 * 1024;

/// A connection to a target node.
pub struct Target {
    stream: TcpStream,
    /// The database last selected on it, if known.
    pub last_db: Option<i64>,
    /// Bytes read and not consumed yet.
    rbuf: Vec<u8>,
    /// Whether it came from the cache (an error on it may just mean the
    /// target closed it meanwhile: worth one retry).
    pub reused: bool,
}

/// Why an I/O step failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoError {
    /// The deadline passed (the connection may still work).
    TimedOut,
    /// The connection failed or was closed.
    Broken,
}

thread_local! {
    static CACHE: RefCell<HashMap<String, (Target, Instant)>> = RefCell::new(HashMap::new());
}

/// The cache key of a target.
pub fn name(host: &[u8], port: &[u8]) -> String {
    format!("{}:{}", String::from_utf8_lossy(host), String::from_utf8_lossy(port))
}

/// Why no connection could be made.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConnectError {
    /// The address did not resolve, or nothing answered in time.
    Failed,
    /// The target refused it. Redis's connect does not look at the socket's
    /// error, so it only fails on the first write: it reports it as a write.
    Refused,
}

/// A new connection to `host:port` made within `timeout` (not cached).
pub async fn connect(host: &[u8], port: &[u8], timeout: Duration) -> Result<Target, ConnectError> {
    let addr = resolve(host, port).ok_or(ConnectError::Failed)?;
    let stream = match TcpStream::connect_timeout(addr, timeout).await {
        Ok(s) => s,
        Err(e) => {
            let refused = std::io::Error::from(e).kind() == std::io::ErrorKind::ConnectionRefused;
            return Err(if refused { ConnectError::Refused } else { ConnectError::Failed });
        }
    };
    stream.set_nodelay(true).map_err(|_| ConnectError::Failed)?;
    Ok(Target { stream, last_db: None, rbuf: Vec::new(), reused: false })
}

/// A connection to `host:port`: the cached one, or a new one made within
/// `timeout`.
pub async fn take(host: &[u8], port: &[u8], timeout: Duration) -> Result<Target, ConnectError> {
    let key = name(host, port);
    let cached = CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        cache.retain(|_, (_, used)| used.elapsed() <= CACHE_TTL);
        cache.remove(&key)
    });
    if let Some((mut t, _)) = cached {
        t.reused = true;
        return Ok(t);
    }
    connect(host, port, timeout).await
}

/// Puts a healthy connection back in the cache for `host:port`.
pub fn put_back(host: &[u8], port: &[u8], target: Target) {
    CACHE.with(|c| {
        let mut cache = c.borrow_mut();
        if cache.len() >= CACHE_ITEMS {
            // Too many: drop one (Redis drops a random one).
            if let Some(k) = cache.keys().next().cloned() {
                cache.remove(&k);
            }
        }
        cache.insert(name(host, port), (target, Instant::now()));
    });
}

fn resolve(host: &[u8], port: &[u8]) -> Option<SocketAddr> {
    let host = std::str::from_utf8(host).ok()?;
    let port: u16 = std::str::from_utf8(port).ok()?.parse().ok()?;
    (host, port).to_socket_addrs().ok()?.next()
}

impl Target {
    /// Writes `buf` entirely within `timeout`.
    pub async fn write_all(&mut self, buf: &[u8], timeout: Duration) -> Result<(), IoError> {
        let stream = &mut self.stream;
        let write = async move { stream.write_all(buf).await.map_err(Into::into) };
        glommio::timer::timeout(timeout, write).await.map_err(classify)
    }

    /// Reads one complete reply (any RESP2 type, nested) within `timeout`.
    pub async fn read_reply(&mut self, timeout: Duration) -> Result<Vec<u8>, IoError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(n) = engine::resp::scan::reply_len(&self.rbuf) {
                return Ok(self.rbuf.drain(..n).collect());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(IoError::TimedOut);
            }
            self.fill(left).await?;
        }
    }

    /// Reads what the target sent next into the buffer, within `timeout`.
    async fn fill(&mut self, timeout: Duration) -> Result<(), IoError> {
        let mut chunk = [0u8; 16 * 1024];
        let stream = &mut self.stream;
        let read = async move { stream.read(&mut chunk).await.map(|n| (n, chunk)) };
        let read = async move { read.await.map_err(Into::into) };
        match glommio::timer::timeout(timeout, read).await.map_err(classify)? {
            (0, _) => Err(IoError::Broken),
            (n, chunk) => {
                self.rbuf.extend_from_slice(&chunk[..n]);
                Ok(())
            }
        }
    }

    /// Reads one reply line (without its CRLF) within `timeout`.
    pub async fn read_line(&mut self, timeout: Duration) -> Result<Vec<u8>, IoError> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(end) = self.rbuf.windows(2).position(|w| w == b"\r\n") {
                let mut line: Vec<u8> = self.rbuf.drain(..end + 2).collect();
                line.truncate(end);
                return Ok(line);
            }
            if self.rbuf.len() > MAX_LINE_BYTES {
                return Err(IoError::Broken);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(IoError::TimedOut);
            }
            self.fill(left).await?;
        }
    }
}

fn classify(e: glommio::GlommioError<()>) -> IoError {
    match e {
        glommio::GlommioError::TimedOut(_) => IoError::TimedOut,
        _ => IoError::Broken,
    }
}
