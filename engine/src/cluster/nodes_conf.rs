//! nodes.conf, Redis's cluster config file: the CLUSTER NODES lines of every
//! node but those in handshake, then `vars currentEpoch N lastVoteEpoch M`.
//! [`render`] writes it; [`parse`] reads it back as Redis's
//! `clusterLoadConfig` does (old `ip:port` addresses without `@cport`
//! included), refusing a corrupt file with the line at fault.

use super::bus::node_flags;
use super::state::{parse_id, Cluster, Node};
use crate::slot::{Slot, SLOT_COUNT};

/// The file's contents for `c`.
pub fn render(c: &Cluster) -> String {
    let mut out = c.describe_all(node_flags::HANDSHAKE);
    out.push_str(&format!(
        "vars currentEpoch {} lastVoteEpoch {}\n",
        c.current_epoch, c.last_vote_epoch
    ));
    out
}

/// One node line, parsed.
struct Line<'a> {
    node: Node,
    myself: bool,
    slots: Vec<&'a str>,
}

/// Reads a nodes.conf. `now_ms` stands for the ping/pong times the file
/// says were set (Redis restarts them at load).
pub fn parse(text: &str, now_ms: u64) -> Result<Cluster, String> {
    let (mut current_epoch, mut last_vote_epoch) = (0u64, 0u64);
    let mut lines = Vec::new();
    for (n, raw) in text.lines().enumerate() {
        let at = |e: &str| format!("line {}: {e}", n + 1);
        let words: Vec<&str> = raw.split_ascii_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if words[0].eq_ignore_ascii_case("vars") {
            if words.len().is_multiple_of(2) {
                return Err(at("vars needs name value pairs"));
            }
            for pair in words[1..].chunks(2) {
                let v = pair[1].parse::<u64>().map_err(|_| at("bad epoch"))?;
                if pair[0].eq_ignore_ascii_case("currentEpoch") {
                    current_epoch = v;
                } else if pair[0].eq_ignore_ascii_case("lastVoteEpoch") {
                    last_vote_epoch = v;
                }
            }
            continue;
        }
        lines.push(parse_line(&words).map_err(|e| at(&e))?);
    }
    let mut mine = lines.iter().filter(|l| l.myself);
    let (Some(me), None) = (mine.next(), mine.next()) else {
        return Err("no line, or more than one, is flagged myself".into());
    };
    let mut c = Cluster::new(me.node.id);
    for l in &lines {
        let mut node = l.node.clone();
        if node.ping_sent_ms != 0 {
            node.ping_sent_ms = now_ms;
        }
        if node.pong_received_ms != 0 {
            node.pong_received_ms = now_ms;
        }
        // Myself is already there (handle 0); the others are added.
        match c.node_mut(&node.id) {
            Some(known) => *known = node,
            None => {
                c.add_node(node);
            }
        }
    }
    // Masters named only as someone's master are known by id.
    for l in &lines {
        if let Some(m) = l.node.master {
            if c.node(&m).is_none() {
                c.add_node(Node::new(m, 0));
            }
        }
    }
    for l in &lines {
        for word in &l.slots {
            apply_slot_word(&mut c, &l.node, word)?;
        }
    }
    let max_epoch = c.nodes().iter().map(|n| n.config_epoch).max().unwrap_or(0);
    c.current_epoch = current_epoch.max(max_epoch);
    c.last_vote_epoch = last_vote_epoch;
    Ok(c)
}

fn parse_line<'a>(w: &[&'a str]) -> Result<Line<'a>, String> {
    if w.len() < 8 {
        return Err("a node line has at least 8 fields".into());
    }
    let id = parse_id(w[0].as_bytes()).ok_or("bad node id")?;
    let mut node = Node::new(id, 0);
    let (addr, hostname) = w[1].split_once(',').unwrap_or((w[1], ""));
    node.hostname = hostname.to_string();
    let (ip, ports) = addr.rsplit_once(':').ok_or("address without a port")?;
    node.ip = ip.to_string();
    let (port, cport) = match ports.split_once('@') {
        Some((p, c)) => (p, Some(c)),
        None => (ports, None),
    };
    node.port = port.parse().map_err(|_| "bad port")?;
    node.cport = match cport {
        Some(c) => c.parse().map_err(|_| "bad cluster port")?,
        None => node.port.saturating_add(10000),
    };
    let mut myself = false;
    for flag in w[2].split(',') {
        node.flags |= match flag.to_ascii_lowercase().as_str() {
            "myself" => {
                myself = true;
                node_flags::MYSELF
            }
            "master" => node_flags::MASTER,
            "slave" => node_flags::SLAVE,
            "fail?" => node_flags::PFAIL,
            "fail" => node_flags::FAIL,
            "handshake" => node_flags::HANDSHAKE,
            "noaddr" => node_flags::NOADDR,
            "nofailover" => node_flags::NOFAILOVER,
            "noflags" => 0,
            _ => return Err(format!("unknown flag {flag}")),
        };
    }
    if w[3] != "-" {
        node.master = Some(parse_id(w[3].as_bytes()).ok_or("bad master id")?);
    }
    node.ping_sent_ms = (w[4] != "0") as u64;
    node.pong_received_ms = (w[5] != "0") as u64;
    // A replica's own epoch is its master's; Redis loads it as 0.
    if node.master.is_none() || !node.has(node_flags::SLAVE) {
        node.config_epoch = w[6].parse().map_err(|_| "bad config epoch")?;
    }
    Ok(Line { node, myself, slots: w[8..].to_vec() })
}

fn parse_slot(s: &str) -> Result<Slot, String> {
    match s.parse::<usize>() {
        Ok(n) if n < SLOT_COUNT => Ok(n as Slot),
        _ => Err(format!("bad slot {s}")),
    }
}

/// Applies `a`, `a-b`, `[a->-id]` or `[a-<-id]` of `node`'s line.
fn apply_slot_word(c: &mut Cluster, node: &Node, word: &str) -> Result<(), String> {
    if let Some(inner) = word.strip_prefix('[').and_then(|w| w.strip_suffix(']')) {
        let (slot, rest) = inner.split_once('-').ok_or_else(|| format!("bad {word}"))?;
        let slot = parse_slot(slot)?;
        let (importing, peer) = match (rest.strip_prefix(">-"), rest.strip_prefix("<-")) {
            (Some(id), _) => (false, id),
            (_, Some(id)) => (true, id),
            _ => return Err(format!("bad {word}")),
        };
        let peer = parse_id(peer.as_bytes()).ok_or_else(|| format!("bad node id in {word}"))?;
        if c.node(&peer).is_none() {
            c.add_node(Node::new(peer, 0));
        }
        if importing {
            c.set_importing(slot, Some(&peer));
        } else {
            c.set_migrating(slot, Some(&peer));
        }
        return Ok(());
    }
    let (a, b) = match word.split_once('-') {
        Some((a, b)) => (parse_slot(a)?, parse_slot(b)?),
        None => (parse_slot(word)?, parse_slot(word)?),
    };
    for s in a..=b {
        c.assign(s, &node.id);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::bus::NODE_ID_BYTES;

    /// A nodes.conf written by redis-server 7.0.15 (a 3-master cluster made
    /// by redis-cli --cluster create, one slot being migrated by hand).
    const REDIS_NODES_CONF: &str = "\
3a3a0bd4e0ee2bcf5e7b21d7d7a5d3c8e1c3f0a1 127.0.0.1:30002@40002 master - 0 1700000000500 2 connected 5461-10922
9c2e2a1f0d1ddc7e0a52bb9f21ff8c1e4e1c2b77 127.0.0.1:30001@40001 myself,master - 0 1700000000000 1 connected 0-5460 [5460->-3a3a0bd4e0ee2bcf5e7b21d7d7a5d3c8e1c3f0a1]
f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00010203 127.0.0.1:30003@40003,node-3 master,fail - 1700000000100 1700000000200 3 disconnected 10923-16383
vars currentEpoch 6 lastVoteEpoch 4
";

    #[test]
    fn reads_what_redis_wrote_and_writes_it_back() {
        let c = parse(REDIS_NODES_CONF, 42).unwrap();
        assert_eq!(&c.myself().id[..], b"9c2e2a1f0d1ddc7e0a52bb9f21ff8c1e4e1c2b77");
        assert_eq!(c.current_epoch, 6);
        assert_eq!(c.last_vote_epoch, 4);
        assert_eq!(c.myself().slot_count(), 5461);
        assert_eq!(&c.owner(16383).unwrap().hostname, "node-3");
        assert_eq!(c.migrating_to(5460).unwrap().port, 30002);
        let third = c.node(b"f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff00010203").unwrap();
        assert!(third.has(node_flags::FAIL));
        assert_eq!((third.ping_sent_ms, third.pong_received_ms), (42, 42));
        // Written back: the same lines (in our node order, times restarted,
        // links to peers not up yet).
        let again = render(&c);
        let mut want: Vec<String> = REDIS_NODES_CONF
            .lines()
            .map(|l| l.replace("1700000000000", "42").replace("1700000000500", "42"))
            .map(|l| l.replace("1700000000100", "42").replace("1700000000200", "42"))
            .map(|l| l.replace("2 connected", "2 disconnected"))
            .collect();
        let mut got: Vec<String> = again.lines().map(String::from).collect();
        want.sort();
        got.sort();
        assert_eq!(got, want);
        assert_eq!(render(&parse(&again, 42).unwrap()), again);
    }

    #[test]
    fn old_addresses_replicas_and_epochs() {
        let text = format!(
            "{a} 10.0.0.1:7000 myself,slave {b} 0 0 9 connected\n{b} 10.0.0.2:7001 master - 0 0 7 connected 0-16383\n",
            a = "a".repeat(NODE_ID_BYTES),
            b = "b".repeat(NODE_ID_BYTES)
        );
        let c = parse(&text, 0).unwrap();
        assert_eq!(c.myself().cport, 17000);
        assert_eq!(c.myself().config_epoch, 0, "a replica's epoch is its master's");
        assert_eq!(c.current_epoch, 7, "at least the largest config epoch");
        assert_eq!(c.describe(c.myself()).split(' ').nth(6), Some("7"));
    }

    #[test]
    fn corrupt_files_are_refused() {
        let a = "a".repeat(NODE_ID_BYTES);
        let cases = [
            String::new(),
            format!("{a} 1.2.3.4:1@2 master - 0 0 1 connected\n"),
            format!("{a} 1.2.3.4:1@2 myself,master - 0 0\n"),
            format!("{a} 1.2.3.4 myself,master - 0 0 1 connected\n"),
            format!("{a} 1.2.3.4:x@2 myself,master - 0 0 1 connected\n"),
            format!("{a} 1.2.3.4:1@2 myself,boss - 0 0 1 connected\n"),
            format!("{a} 1.2.3.4:1@2 myself,master - 0 0 1 connected 16384\n"),
            format!("{a} 1.2.3.4:1@2 myself,master - 0 0 1 connected 5-16384\n"),
            format!("{a} 1.2.3.4:1@2 myself,master - 0 0 1 connected [5->-xyz]\n"),
            format!("{a} 1.2.3.4:1@2 myself,master - 0 0 1 connected [5=>-{a}]\n"),
            "short 1.2.3.4:1@2 myself,master - 0 0 1 connected\n".to_string(),
            format!("{a} 1.2.3.4:1@2 myself,master - 0 0 x connected\n"),
            format!("{a} 1.2.3.4:1@2 myself,master - 0 0 1 connected\nvars currentEpoch\n"),
            format!("{a} 1.2.3.4:1@2 myself,master - 0 0 1 connected\n{a} 1.2.3.4:1@2 myself,master - 0 0 1 connected\n"),
        ];
        for text in cases {
            assert!(parse(&text, 0).is_err(), "{text:?} should be refused");
        }
    }
}
