//! Connection and server commands, implemented by the node because they touch
//! connection state or every shard: PING, HELLO, AUTH, SELECT, CLIENT, INFO,
//! CONFIG, DEBUG, SHUTDOWN, TIME, COMMAND, CLUSTER, MIGRATE, SHARDS.
//!
//! A command either completes synchronously on the connection's shard
//! ([`run_sync`]), or says it needs other shards ([`Flow::NeedsShards`]), in
//! which case the connection first finishes the replies of earlier commands and
//! then calls [`run_async`].

mod client;
mod cluster;
mod connection;
mod info;
mod server;
mod shards;

use engine::command::{Args, CommandSpec};
use engine::resp::Reply;

use crate::conn::Conn;

/// What the connection does after a node command.
pub enum Flow {
    /// The reply is written.
    Done,
    /// The reply is written; close the connection once it is sent.
    Close,
    /// Nothing written: call [`run_async`] once earlier replies are out.
    NeedsShards,
}

/// Runs a node command that needs only this connection and shard, writing its
/// reply to `conn.local_out()`.
pub fn run_sync(conn: &mut Conn, spec: &'static CommandSpec, args: &Args<'_>) -> Flow {
    let proto = conn.client.borrow().proto;
    match spec.name {
        "ping" | "echo" | "select" | "quit" | "hello" | "auth" | "reset" | "time" => {
            connection::run(conn, spec.name, args)
        }
        "client|list" | "client|kill" | "client|pause" | "client|unpause" | "client|unblock" => {
            Flow::NeedsShards
        }
        name if name.starts_with("client|") => client::run_sync(conn, name, args),
        name if cluster::is_cluster_command(name) => cluster::run_sync(conn, spec, args),
        "info" | "debug" | "shutdown" | "config|set" | "config|resetstat" | "config|rewrite"
        | "migrate" => Flow::NeedsShards,
        name if name.starts_with("shards|") => Flow::NeedsShards,
        "config|get" | "config|help" => server::config_sync(conn, spec.name, args),
        "lastsave" => {
            let t = conn.shard.shared.started_unix_s;
            Reply::new(conn.local_out(), proto).int(t as i64);
            Flow::Done
        }
        name if name == "command" || name.starts_with("command|") => {
            server::command(conn, args);
            Flow::Done
        }
        _ => {
            let mut out = Reply::new(conn.local_out(), proto);
            out.error(&format!("ERR command '{}' is not available in slotd yet", spec.name));
            Flow::Done
        }
    }
}

/// Runs a node command that needs other shards, appending its reply to `out`.
pub async fn run_async(
    conn: &mut Conn,
    spec: &'static CommandSpec,
    args: &Args<'_>,
    out: &mut Vec<u8>,
) {
    match spec.name {
        "info" => info::info(conn, args, out).await,
        "client|list" | "client|kill" | "client|pause" | "client|unpause" | "client|unblock" => {
            client::run_async(conn, spec.name, args, out).await
        }
        "debug" => server::debug(conn, args, out).await,
        name if cluster::is_cluster_command(name) => {
            cluster::run_async(conn, spec, args, out).await
        }
        "shutdown" => server::shutdown(conn, args, out).await,
        "migrate" => crate::migrate::migrate(conn, args, out).await,
        name if name.starts_with("shards|") => shards::run(conn, name, args, out).await,
        _ => server::config_async(conn, spec.name, args, out).await,
    }
}
