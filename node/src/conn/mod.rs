//! One client connection: read, parse every complete command, route each to the
//! shard that owns its keys, and write all replies in request order with one
//! write per read.
//!
//! Routing: a keyspace command whose keys are all on one shard runs there (here
//! at once, or queued for that shard); one whose keys span shards is cut into
//! per-shard parts when its spec says how (MGET, MSET, DEL ...), or else goes
//! through [`cross_shard`] (RENAME, COPY, MSETNX, LCS ...). Keyspace-wide commands
//! (DBSIZE, KEYS, FLUSHALL ...) run on every shard. Connection and server commands
//! are handled by [`crate::commands`]; those that need other shards first finish
//! the batch so far, then run.

pub mod batch;
mod blocked;
pub mod cross_shard;
mod warm;

use std::cell::RefCell;
use std::rc::Rc;

use engine::command::blocking::is_null_reply;
use engine::command::{flags, table, Args, CommandSpec, Exec, OwnedCmd, Route};
use engine::resp::parse::{parse_request_resumable, Progress};
use engine::resp::{ParseLimits, Parsed, Protocol, Reply, Span};
use engine::slot::key_slot;
use futures_lite::{AsyncReadExt, AsyncWriteExt};
use glommio::net::TcpStream;

use crate::clients::{Client, ReplyMode};
use crate::cluster::redirect::Decision;
use crate::commands::{self, Flow};
use crate::shard::{unix_ms, Outcome, Shard};
use batch::{Batch, Src};

/// Most commands handled per read before replies are written.
const MAX_COMMANDS_PER_BATCH: usize = 1024;
/// Read size, bytes.
const READ_CHUNK_BYTES: usize = 16 * 1024;

/// What a connection task needs besides the socket.
pub struct Conn {
    /// The shard the connection lives on.
    pub shard: Rc<Shard>,
    /// The client's state, also listed in the shard's registry.
    pub client: Rc<RefCell<Client>>,
    /// Set to close the connection after the pending replies are written.
    pub close: bool,
    /// Set to close the connection at once, dropping replies not yet written.
    drop_replies: bool,
    /// Set when a blocking command found nothing to serve: the client waits
    /// before its next command runs.
    blocked: Option<(blocked::Blocked, bool)>,
    batch: Batch,
    wbuf: Vec<u8>,
}

/// The bytes read from the client: `buf[start..end]` is not parsed yet.
pub struct ReadBuf {
    buf: Vec<u8>,
    start: usize,
    end: usize,
}

impl ReadBuf {
    /// Makes room for a read: moves a partial frame to the front, gives a big
    /// buffer back once it is empty, grows a full one.
    fn make_room(&mut self) {
        if self.start > 0 {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.end == 0 && self.buf.len() > 4 * READ_CHUNK_BYTES {
            // A big request is done: give its buffer back.
            self.buf = vec![0; READ_CHUNK_BYTES];
        }
        if self.buf.len() - self.end < READ_CHUNK_BYTES / 2 {
            let grown = (self.buf.len() * 2).max(self.end + READ_CHUNK_BYTES);
            self.buf.resize(grown, 0);
        }
    }

    /// Where the next read goes.
    fn spare(&mut self) -> &mut [u8] {
        &mut self.buf[self.end..]
    }

    /// Bytes read and not parsed yet.
    fn unparsed(&self) -> usize {
        self.end - self.start
    }
}

/// Serves one client until it disconnects, is killed, or breaks the protocol.
/// Returns the socket, still open, so that the caller can take the client out of
/// the registry before the descriptor is closed (and possibly reused).
pub async fn serve(
    shard: Rc<Shard>,
    mut stream: TcpStream,
    client: Rc<RefCell<Client>>,
) -> TcpStream {
    let shards = shard.shared.shard_count;
    let mut conn = Conn {
        shard,
        client,
        close: false,
        drop_replies: false,
        blocked: None,
        batch: Batch::new(shards),
        wbuf: Vec::new(),
    };
    let mut rb = ReadBuf { buf: vec![0; READ_CHUNK_BYTES], start: 0, end: 0 };
    let mut spans: Vec<Span> = Vec::new();
    let mut scratch: Vec<u8> = Vec::new();
    let mut progress = Progress::default();
    let mut warmer = warm::Warmer::default();
    let mut buffered_more = false;
    loop {
        if !buffered_more {
            rb.make_room();
            let n = match stream.read(rb.spare()).await {
                Ok(0) | Err(_) => break,
                Ok(n) => n,
            };
            if !conn.note_read(n, progress.parsed_bytes(), &mut rb) {
                break;
            }
        }
        let mut limits = conn.parse_limits();
        if !buffered_more {
            let db = conn.client.borrow().db;
            let at_shard = (conn.shard.id(), conn.shard.shared.shard_count == 1);
            let core = conn.shard.core.borrow();
            warmer.warm(&core, at_shard, db, &rb.buf[rb.start..rb.end], &limits);
        }
        buffered_more = false;
        loop {
            let buf = &rb.buf[rb.start..rb.end];
            match parse_request_resumable(buf, &limits, &mut progress, &mut spans, &mut scratch) {
                Ok(Parsed::Incomplete) => break,
                Ok(Parsed::Empty { consumed }) => rb.start += consumed,
                Ok(Parsed::Command { consumed }) => {
                    let args = Args::new(buf, &scratch, &spans);
                    conn.dispatch(&args).await;
                    rb.start += consumed;
                    if conn.close || conn.blocked.is_some() {
                        break;
                    }
                    if limits.unauthenticated {
                        // AUTH or HELLO may just have lifted the limits.
                        limits = conn.parse_limits();
                    }
                    if conn.batch.len() >= MAX_COMMANDS_PER_BATCH {
                        buffered_more = true;
                        break;
                    }
                }
                Err(e) => {
                    let start = conn.batch.local.len();
                    e.write_reply(&mut conn.batch.local);
                    conn.batch.push_local(start, false);
                    conn.close = true;
                    break;
                }
            }
        }
        conn.client.borrow_mut().qbuf_bytes = rb.unparsed();
        if conn.drop_replies {
            break;
        }
        conn.batch.finish(&conn.shard, &mut conn.wbuf).await;
        if !conn.wbuf.is_empty() {
            if stream.write_all(&conn.wbuf).await.is_err() {
                break;
            }
            conn.shard.core.borrow_mut().stats.net_output_bytes += conn.wbuf.len() as u64;
            conn.wbuf.clear();
            if conn.wbuf.capacity() > 1 << 20 {
                conn.wbuf = Vec::new();
            }
        }
        if conn.close {
            break;
        }
        if let Some((b, skip)) = conn.blocked.take() {
            match blocked::wait(&mut conn, b, &mut stream, &mut rb).await {
                blocked::Ended::Reply(reply) => {
                    if !skip {
                        conn.wbuf.extend_from_slice(&reply);
                    }
                    // Then the commands that arrived meanwhile.
                    buffered_more = true;
                }
                blocked::Ended::Closed => break,
            }
        }
        // A client that keeps its socket full (a migration link, a deep
        // pipeline) finds data at every read and would keep the shard from
        // polling its other sockets: past the preempt timer (1 ms), let them.
        glommio::yield_if_needed().await;
    }
    stream
}

/// RESTORE payloads from this size on are decoded off the shard.
const PREDECODE_BYTES: usize = 1024 * 1024;

impl Conn {
    /// Accounts for `n` bytes just read into `rb` (`parsed_bytes` of them
    /// already parsed out of an incomplete frame); false when the connection
    /// must close (query buffer limit, CLIENT KILL).
    fn note_read(&mut self, n: usize, parsed_bytes: usize, rb: &mut ReadBuf) -> bool {
        rb.end += n;
        let limit = {
            let mut core = self.shard.core.borrow_mut();
            core.stats.net_input_bytes += n as u64;
            core.cfg.client_query_buffer_limit_bytes as usize
        };
        // Arguments already parsed out of an incomplete frame do not count,
        // as Redis has moved them out of its query buffer.
        if rb.unparsed() - parsed_bytes > limit {
            tracing::warn!("closing client that exceeded client-query-buffer-limit");
            return false;
        }
        let mut c = self.client.borrow_mut();
        // Once per read, as Redis stamps it in readQueryFromClient.
        c.last_interaction = std::time::Instant::now();
        c.qbuf_bytes = rb.unparsed();
        !c.killed
    }

    fn parse_limits(&self) -> ParseLimits {
        let core = self.shard.core.borrow();
        ParseLimits {
            max_bulk_len_bytes: core.cfg.proto_max_bulk_len_bytes,
            unauthenticated: !self.client.borrow().authenticated,
            ..ParseLimits::default()
        }
    }

    /// Writes an error reply as the next command's reply, counting it in INFO
    /// errorstats.
    pub fn reply_error(&mut self, msg: &str) {
        self.reply_error_bytes(msg.as_bytes());
    }

    /// [`Self::reply_error`] with raw bytes (arguments echoed back unchanged).
    fn reply_error_bytes(&mut self, msg: &[u8]) {
        let start = self.batch.local.len();
        Reply::new(&mut self.batch.local, self.client.borrow().proto).error_bytes(msg);
        self.shard.core.borrow_mut().stats.count_error(&self.batch.local[start..]);
        self.batch.push_local(start, false);
    }

    /// Whether the reply of the command being dispatched is suppressed (CLIENT
    /// REPLY OFF/SKIP), advancing the SKIP state.
    fn take_skip(&mut self) -> bool {
        let mut c = self.client.borrow_mut();
        match c.reply_mode {
            ReplyMode::On => false,
            ReplyMode::Off => true,
            ReplyMode::Skip => {
                c.reply_mode = ReplyMode::On;
                true
            }
        }
    }

    /// Routes and runs one command.
    async fn dispatch(&mut self, args: &Args<'_>) {
        let Some(mut spec) = table::lookup(args.get(0)) else {
            let name = args.get(0);
            if name.eq_ignore_ascii_case(b"post") || name.eq_ignore_ascii_case(b"host:") {
                // Redis's guard against cross-protocol scripting: an HTTP request
                // is not answered, and the connection is closed at once.
                tracing::warn!("Possible SECURITY ATTACK detected: a client sent an HTTP request; connection aborted");
                self.close = true;
                self.drop_replies = true;
                return;
            }
            self.reply_error_bytes(&unknown_command_error(args));
            return;
        };
        if !spec.subcommands.is_empty() && spec.arity_ok(args.len()) && args.len() > 1 {
            match table::lookup_sub(spec, args.get(1)) {
                Some(sub) => spec = sub,
                None => {
                    // Raw bytes cut at a NUL, like the unknown-command error.
                    let sub = c_str(args.get(1));
                    let mut msg = b"ERR unknown subcommand '".to_vec();
                    msg.extend_from_slice(&sub[..sub.len().min(128)]);
                    msg.extend_from_slice(
                        format!("'. Try {} HELP.", spec.name.to_ascii_uppercase()).as_bytes(),
                    );
                    self.reply_error_bytes(&msg);
                    return;
                }
            }
        }
        if !spec.arity_ok(args.len()) {
            self.shard.core.borrow_mut().stats.count_rejected(spec.name);
            self.reply_error(&format!("ERR wrong number of arguments for '{}' command", spec.name));
            return;
        }
        let (db, proto) = {
            let mut c = self.client.borrow_mut();
            if !c.authenticated && !spec.has(flags::NO_AUTH) {
                drop(c);
                self.shard.core.borrow_mut().stats.count_rejected(spec.name);
                self.reply_error("NOAUTH Authentication required.");
                return;
            }
            c.last_cmd = spec.name;
            (c.db, c.proto)
        };
        if self.shard.core.borrow().any_frozen() {
            // A slot of its keys may be moving (between shards, or to another
            // node): wait before its redirection is decided.
            self.batch.finish(&self.shard, &mut self.wbuf).await;
            let keys: Vec<&[u8]> = spec.key_positions(args).map(|p| args.get(p)).collect();
            let writes = spec.has(flags::WRITE) || spec.has(flags::MAY_REPLICATE);
            self.shard.until_keys_may_run(keys.iter().copied(), writes).await;
        }
        if matches!(spec.name, "restore" | "restore-asking")
            && args.len() >= 4
            && args.get(3).len() >= PREDECODE_BYTES
        {
            self.predecode_restore(args).await;
        }
        let asking = self.take_asking(spec);
        let mut verified_skip = None;
        loop {
            if self.import_link_covers(spec, args) {
                // A migration link writes the slots it imports.
                break;
            }
            match self.cluster_decision(spec, args, asking) {
                Decision::Run => break,
                Decision::Refuse(err) => {
                    self.shard.core.borrow_mut().stats.count_rejected(spec.name);
                    self.reply_error(&err);
                    return;
                }
                Decision::Verify(v) => {
                    let skip = *verified_skip.get_or_insert_with(|| self.take_skip());
                    if self.run_verified(spec, args, proto, skip, v).await {
                        return;
                    }
                    // It waited for keys a MIGRATE had in flight: decide again
                    // now that their fate is known (ASK if they left).
                }
            }
        }
        self.wait_for_pause(spec).await;
        // CLIENT REPLY decides its own reply: ON answers even when replies were OFF.
        let skip = if let Some(skip) = verified_skip {
            skip
        } else if spec.name == "client|reply" {
            self.client.borrow().reply_mode == ReplyMode::Skip && self.take_skip()
        } else {
            self.take_skip()
        };
        if spec.blocking.is_some() {
            return self.dispatch_blocking(spec, args, db, proto, skip).await;
        }
        self.route(spec, args, db, proto, skip).await;
    }

    /// Decodes a big RESTORE payload on a thread of its own (a 1M-field hash
    /// takes ~0.5 s) and leaves the result with the shard of its key, where
    /// the RESTORE then runs as usual without decoding. Meanwhile the shard
    /// serves others; this connection's next commands wait, as they would.
    async fn predecode_restore(&mut self, args: &Args<'_>) {
        self.batch.finish(&self.shard, &mut self.wbuf).await;
        let payload = args.get(3).to_vec();
        let cfg = self.shard.core.borrow().engine_cfg.clone();
        let (tx, rx) = futures_channel::oneshot::channel();
        let spawned = std::thread::Builder::new().name("restore-decode".into()).spawn(move || {
            let value = engine::rdb::decode_payload(&payload, &cfg);
            let _ = tx.send((payload, value));
        });
        if spawned.is_err() {
            return; // The RESTORE decodes it on the shard.
        }
        let Ok((payload, value)) = rx.await else { return };
        let owner = self.shard.core.borrow().shard_of(engine::slot::key_slot(args.get(1)));
        self.shard
            .on_shard(owner, move |s: &Shard| {
                s.core.borrow_mut().ks.predecoded_restore(&payload, value)
            })
            .await;
    }

    /// Runs a blocking command's table entry after the replies before it are
    /// out; when it finds nothing to serve, the client blocks (see
    /// [`blocked`]) before its next command.
    async fn dispatch_blocking(
        &mut self,
        spec: &'static CommandSpec,
        args: &Args<'_>,
        db: usize,
        proto: Protocol,
        skip: bool,
    ) {
        let ops = spec.blocking.expect("a blocking command");
        self.batch.finish(&self.shard, &mut self.wbuf).await;
        let mark = self.wbuf.len();
        self.route(spec, args, db, proto, false).await;
        self.batch.finish(&self.shard, &mut self.wbuf).await;
        if is_null_reply(&self.wbuf[mark..]) {
            self.wbuf.truncate(mark);
            let cmd = std::sync::Arc::new(args.to_owned_cmd());
            let deadline_ms = ops.deadline_ms(args, crate::shard::unix_ms());
            self.blocked = Some((blocked::Blocked { spec, cmd, db, proto, deadline_ms }, skip));
        } else if skip {
            self.wbuf.truncate(mark);
        }
    }

    /// Runs a command where its keys (or its kind) say.
    async fn route(
        &mut self,
        spec: &'static CommandSpec,
        args: &Args<'_>,
        db: usize,
        proto: Protocol,
        skip: bool,
    ) {
        match (spec.exec, spec.route) {
            (Exec::Node, _) => self.run_node_command(spec, args, skip).await,
            (Exec::Keyspace(_), _) if spec.name == "scan" => {
                self.batch.finish(&self.shard, &mut self.wbuf).await;
                let start = self.wbuf.len();
                cross_shard::scan(&self.shard, db, proto, args, &mut self.wbuf).await;
                if skip {
                    self.wbuf.truncate(start);
                }
            }
            (Exec::Keyspace(_), Route::AllShards(kind)) => {
                let me = self.shard.id();
                let mut srcs = Vec::with_capacity(self.shard.shared.shard_count);
                for peer in 0..self.shard.shared.shard_count {
                    srcs.push(self.run_on(peer, me, spec, db, proto, args, None));
                }
                self.batch.push_many(kind, srcs, Vec::new(), proto, skip);
            }
            (Exec::Keyspace(_), Route::Keys(split)) => {
                let me = self.shard.id();
                if self.shard.core.borrow().any_frozen() {
                    // A slot of its keys may be moving between shards: send
                    // what is routed so far, then wait for the move to end.
                    self.batch.finish(&self.shard, &mut self.wbuf).await;
                    let keys: Vec<&[u8]> = spec.key_positions(args).map(|p| args.get(p)).collect();
                    self.shard.until_keys_routable(keys.iter().copied()).await;
                }
                // The common case, all keys on one shard, allocates nothing;
                // with one shard there is nothing to route.
                let (target, spans_shards, last_pos) = if self.shard.shared.shard_count == 1 {
                    (me, false, None)
                } else {
                    let core = self.shard.core.borrow();
                    let mut target = None;
                    let mut spans_shards = false;
                    let mut last_pos = None;
                    for p in spec.key_positions(args) {
                        let s = core.shard_of(key_slot(args.get(p)));
                        spans_shards |= target.is_some_and(|t| t != s);
                        target.get_or_insert(s);
                        last_pos = Some(p);
                    }
                    (target.unwrap_or(me), spans_shards, last_pos)
                };
                // Incomplete key groups (MSET k v k) get the command's own error.
                let step = spec.keys.step.max(1) as usize;
                let whole_groups = last_pos.is_none_or(|p| p + step <= args.len());
                if !spans_shards || !whole_groups {
                    let src = self.run_on(target, me, spec, db, proto, args, None);
                    self.batch.push_remote(src, skip);
                } else if let Some(kind) = split {
                    let positions: Vec<usize> = spec.key_positions(args).collect();
                    let shard_of: Vec<usize> = {
                        let core = self.shard.core.borrow();
                        positions.iter().map(|&p| core.shard_of(key_slot(args.get(p)))).collect()
                    };
                    self.split(spec, kind, args, &positions, &shard_of, db, proto, skip);
                } else {
                    self.batch.finish(&self.shard, &mut self.wbuf).await;
                    let start = self.wbuf.len();
                    cross_shard::run(&self.shard, spec, db, proto, args, &mut self.wbuf).await;
                    if skip {
                        self.wbuf.truncate(start);
                    }
                }
            }
            (Exec::Keyspace(_), Route::Node) => {
                // Keyless engine commands (OBJECT HELP ...) run on this shard.
                let me = self.shard.id();
                let src = self.run_on(me, me, spec, db, proto, args, None);
                self.batch.push_remote(src, skip);
            }
        }
    }

    /// Whether this client is a native migration link and the command's keys
    /// are all in slots it imports.
    fn import_link_covers(&self, spec: &CommandSpec, args: &Args<'_>) -> bool {
        let c = self.client.borrow();
        let Some(link) = c.import.as_ref() else { return false };
        let mut keys = spec.key_positions(args).peekable();
        keys.peek().is_some() && keys.all(|p| link.slots.contains(key_slot(args.get(p))))
    }

    /// The client's ASKING flag for this command: it lasts for one command
    /// (ASKING itself aside).
    fn take_asking(&self, spec: &CommandSpec) -> bool {
        let mut c = self.client.borrow_mut();
        spec.name != "asking" && std::mem::take(&mut c.asking)
    }

    /// In cluster mode, where the command goes (MOVED, CROSSSLOT, CLUSTERDOWN,
    /// or a key check on a migrating or importing slot).
    fn cluster_decision(&self, spec: &CommandSpec, args: &Args<'_>, asking: bool) -> Decision {
        let core = self.shard.core.borrow();
        let Some(view) = core.slot_view.as_ref() else { return Decision::Run };
        let reads = core.cfg.cluster.allow_reads_when_down;
        crate::cluster::redirect::check(view, spec, args, reads, asking)
    }

    /// Runs a command on a migrating or importing slot: on the slot's shard,
    /// checking which of its keys exist right before it runs (ASK, TRYAGAIN).
    /// False when it did not run because it writes a key a MIGRATE has in
    /// flight: it has waited for the key's fate and must be decided again.
    async fn run_verified(
        &mut self,
        spec: &'static CommandSpec,
        args: &Args<'_>,
        proto: Protocol,
        skip: bool,
        v: crate::cluster::redirect::Verify,
    ) -> bool {
        self.batch.finish(&self.shard, &mut self.wbuf).await;
        self.shard.until_routable(|core| core.is_frozen(v.slot)).await;
        let owner = self.shard.core.borrow().shard_of(v.slot);
        let cmd = args.to_owned_cmd();
        let reply = self
            .shard
            .on_shard(owner, move |s: &Shard| {
                let mut core = s.core.borrow_mut();
                let args = cmd.args();
                let positions: Vec<usize> = spec.key_positions(&args).collect();
                let now_ms = unix_ms();
                let mut out = Vec::new();
                match v.decide(core.ks.db(0), &args, &positions, now_ms) {
                    Some(err) => Reply::new(&mut out, proto).error(&err),
                    None => {
                        if core.exec(spec, 0, proto, &args, &mut out) == Outcome::Parked {
                            let (tx, rx) = futures_channel::oneshot::channel::<()>();
                            core.in_flight.park(Box::new(move |_| {
                                let _ = tx.send(());
                            }));
                            return Err(rx);
                        }
                    }
                }
                Ok(out)
            })
            .await;
        match reply {
            Ok(reply) => {
                if !skip {
                    self.wbuf.extend_from_slice(&reply);
                }
                true
            }
            Err(landed) => {
                let _ = landed.await;
                false
            }
        }
    }

    /// Holds the command while a CLIENT PAUSE covers it (CLIENT UNPAUSE itself and
    /// other non-pausable commands pass). Earlier replies are sent first.
    async fn wait_for_pause(&mut self, spec: &'static CommandSpec) {
        let pausable = |p: &crate::shard::Pause| {
            let write = spec.has(flags::WRITE) || spec.has(flags::MAY_REPLICATE);
            !matches!(spec.name, "client|unpause" | "client|pause") && (!p.writes_only || write)
        };
        let mut flushed = false;
        loop {
            let pause = self.shard.core.borrow().pause;
            match pause {
                Some(p) if pausable(&p) && crate::shard::unix_ms() < p.until_ms => {
                    if !flushed {
                        self.batch.finish(&self.shard, &mut self.wbuf).await;
                        flushed = true;
                    }
                    glommio::timer::sleep(std::time::Duration::from_millis(5)).await;
                }
                _ => return,
            }
        }
    }

    /// Runs a keyspace command on `peer`: here at once, or queued. `cmd` is the
    /// owned form when the caller already built one.
    #[allow(clippy::too_many_arguments)]
    fn run_on(
        &mut self,
        peer: usize,
        me: usize,
        spec: &'static CommandSpec,
        db: usize,
        proto: Protocol,
        args: &Args<'_>,
        cmd: Option<OwnedCmd>,
    ) -> Src {
        if peer == me && !self.batch.queued_for(me) {
            let start = self.batch.local.len();
            let mut core = self.shard.core.borrow_mut();
            let outcome = match &cmd {
                Some(c) => core.exec(spec, db, proto, &c.args(), &mut self.batch.local),
                None => core.exec(spec, db, proto, args, &mut self.batch.local),
            };
            if outcome == Outcome::Ran {
                return Src::Local(start as u32, self.batch.local.len() as u32);
            }
            // It waits for a key in flight: queued for this shard, where the
            // batch finishes it (and the commands after it) once released.
        }
        self.batch.queue(peer, spec, db, proto, cmd.unwrap_or_else(|| args.to_owned_cmd()))
    }

    /// Cuts a multi-key command into one command per shard.
    #[allow(clippy::too_many_arguments)]
    fn split(
        &mut self,
        spec: &'static CommandSpec,
        kind: engine::command::Combine,
        args: &Args<'_>,
        positions: &[usize],
        shard_of: &[usize],
        db: usize,
        proto: Protocol,
        skip: bool,
    ) {
        let me = self.shard.id();
        let step = spec.keys.step.max(1) as usize;
        let first = positions[0];
        let mut peers: Vec<usize> = shard_of.to_vec();
        peers.sort_unstable();
        peers.dedup();
        let mut srcs = Vec::with_capacity(peers.len());
        for &peer in &peers {
            let mut cmd = OwnedCmd::default();
            for i in 0..first {
                cmd.push(args.get(i));
            }
            for (k, &p) in positions.iter().enumerate() {
                if shard_of[k] == peer {
                    for i in p..(p + step).min(args.len()) {
                        cmd.push(args.get(i));
                    }
                }
            }
            srcs.push(self.run_on(peer, me, spec, db, proto, args, Some(cmd)));
        }
        let key_parts =
            shard_of.iter().map(|s| peers.binary_search(s).expect("peer listed")).collect();
        self.batch.push_many(kind, srcs, key_parts, proto, skip);
    }

    /// Runs a connection or server command.
    async fn run_node_command(&mut self, spec: &'static CommandSpec, args: &Args<'_>, skip: bool) {
        // The tick counter, not the system clock: PING and friends are
        // cheap enough for two clock_gettime calls to show.
        let started = crate::shard::ticks();
        let start = self.batch.local.len();
        let flow = commands::run_sync(self, spec, args);
        let failed = match flow {
            Flow::Done | Flow::Close => {
                let failed = error_head(&self.batch.local[start..]);
                self.batch.push_local(start, skip);
                self.close |= matches!(flow, Flow::Close);
                failed
            }
            Flow::NeedsShards => {
                self.batch.local.truncate(start);
                self.batch.finish(&self.shard, &mut self.wbuf).await;
                let wstart = self.wbuf.len();
                let mut out = std::mem::take(&mut self.wbuf);
                commands::run_async(self, spec, args, &mut out).await;
                let failed = error_head(&out[wstart..]);
                if skip {
                    out.truncate(wstart);
                }
                self.wbuf = out;
                failed
            }
        };
        let mut core = self.shard.core.borrow_mut();
        let took_us = core.clock.micros(started, crate::shard::ticks());
        core.stats.count_command(spec.name, took_us, failed.is_some());
        if let Some(head) = failed {
            core.stats.count_error(&head);
        }
    }

    /// The local reply buffer, for synchronous node commands.
    pub fn local_out(&mut self) -> &mut Vec<u8> {
        &mut self.batch.local
    }
}

/// The first bytes of `reply` when it is an error (enough for its code).
fn error_head(reply: &[u8]) -> Option<Vec<u8>> {
    (reply.first() == Some(&b'-')).then(|| reply[..reply.len().min(64)].to_vec())
}

/// An argument as C's `%s` prints it: up to its first NUL byte.
fn c_str(b: &[u8]) -> &[u8] {
    b.split(|&c| c == 0).next().unwrap_or_default()
}

/// Redis 7.0's unknown-command error, with the first arguments quoted, as raw
/// bytes (Redis echoes them unchanged, cut at a NUL like C strings).
fn unknown_command_error(args: &Args<'_>) -> Vec<u8> {
    let mut list: Vec<u8> = Vec::new();
    for a in args.iter().skip(1) {
        if list.len() >= 128 {
            break;
        }
        let a = c_str(a);
        let room = 128 - list.len();
        list.push(b'\'');
        list.extend_from_slice(&a[..a.len().min(room)]);
        list.extend_from_slice(b"' ");
    }
    let name = c_str(args.get(0));
    let mut msg = b"ERR unknown command '".to_vec();
    msg.extend_from_slice(&name[..name.len().min(128)]);
    msg.extend_from_slice(b"', with args beginning with: ");
    msg.extend_from_slice(&list);
    msg
}
