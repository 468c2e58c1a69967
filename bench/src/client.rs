//! A minimal blocking RESP2 client: enough to check that a server answers, read
//! INFO and DBSIZE, and stream pipelined writes for the memory loader.
//! redis-benchmark does the load testing; this only sets the stage.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

/// One decoded reply.
#[derive(Debug, PartialEq)]
pub enum Resp {
    /// `+...`
    Simple(String),
    /// `-...`
    Error(String),
    /// `:...`
    Int(i64),
    /// `$...`, `None` for the null bulk.
    Bulk(Option<Vec<u8>>),
    /// `*...`, `None` for the null array.
    Array(Option<Vec<Resp>>),
}

/// A connection to a server on 127.0.0.1.
pub struct Conn {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Conn {
    /// Connects to `127.0.0.1:port`, with `timeout` on every read and write.
    pub fn connect(port: u16, timeout: Duration) -> io::Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(timeout))?;
        stream.set_write_timeout(Some(timeout))?;
        stream.set_nodelay(true)?;
        Ok(Conn { reader: BufReader::with_capacity(1 << 16, stream.try_clone()?), writer: stream })
    }

    /// Sends one command and reads its reply.
    pub fn command(&mut self, args: &[&[u8]]) -> io::Result<Resp> {
        let mut frame = Vec::new();
        encode_command(&mut frame, args);
        self.send(&frame)?;
        self.read_reply()
    }

    /// Writes already-encoded bytes (one or many pipelined frames).
    pub fn send(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.writer.write_all(bytes)
    }

    /// Reads one reply.
    pub fn read_reply(&mut self) -> io::Result<Resp> {
        let line = self.read_line()?;
        let (kind, rest) = line.split_at(1);
        let bad = || io::Error::new(io::ErrorKind::InvalidData, format!("bad reply line {line:?}"));
        let int = |s: &str| s.parse::<i64>().map_err(|_| bad());
        match kind {
            "+" => Ok(Resp::Simple(rest.to_string())),
            "-" => Ok(Resp::Error(rest.to_string())),
            ":" => Ok(Resp::Int(int(rest)?)),
            "$" => {
                let len = int(rest)?;
                if len < 0 {
                    return Ok(Resp::Bulk(None));
                }
                let mut data = vec![0u8; len as usize + 2];
                self.reader.read_exact(&mut data)?;
                data.truncate(len as usize);
                Ok(Resp::Bulk(Some(data)))
            }
            "*" => {
                let len = int(rest)?;
                if len < 0 {
                    return Ok(Resp::Array(None));
                }
                let items = (0..len).map(|_| self.read_reply()).collect::<io::Result<_>>()?;
                Ok(Resp::Array(Some(items)))
            }
            _ => Err(bad()),
        }
    }

    /// The numeric value of `field` in `INFO section`, or None when the
    /// server has no INFO (or no such field).
    pub fn info_field(&mut self, section: &[u8], field: &str) -> Option<u64> {
        match self.command(&[b"INFO", section]) {
            Ok(Resp::Bulk(Some(text))) => parse_info_field(&String::from_utf8_lossy(&text), field),
            _ => None,
        }
    }

    fn read_line(&mut self) -> io::Result<String> {
        let mut line = String::new();
        if self.reader.read_line(&mut line)? == 0 {
            return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "connection closed"));
        }
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "empty reply line"));
        }
        Ok(line.to_string())
    }
}

pub use engine::resp::request::push_request as encode_command;

/// The numeric value of `field` in INFO text (`field:value` lines).
fn parse_info_field(info: &str, field: &str) -> Option<u64> {
    info.lines().find_map(|l| l.trim_end().strip_prefix(field)?.strip_prefix(':')?.parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_fields_from_info() {
        let info = "# Memory\r\nused_memory:1156832\r\nused_memory_human:1.10M\r\nused_memory_rss:7417856\r\n";
        assert_eq!(parse_info_field(info, "used_memory"), Some(1156832));
        assert_eq!(parse_info_field(info, "used_memory_rss"), Some(7417856));
        assert_eq!(parse_info_field(info, "used_memory_peak"), None);
    }

    #[test]
    fn encodes_multibulk() {
        let mut out = Vec::new();
        encode_command::<&[u8]>(&mut out, &[b"SET", b"k", b""]);
        assert_eq!(out, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n");
    }
}
