//! CONFIG, DEBUG, SHUTDOWN and COMMAND.

use std::sync::atomic::Ordering;

use engine::command::Args;
use engine::resp::Reply;

use super::Flow;
use crate::config::{self, all_options, Config};
use crate::conn::Conn;
use crate::shard::{engine_config, Shard};

const CONFIG_HELP: &[&str] = &[
    "GET <pattern>",
    "    Return parameters matching the glob-like <pattern> and their values.",
    "SET <directive> <value>",
    "    Set the configuration <directive> to <value>.",
    "RESETSTAT",
    "    Reset statistics reported by the INFO command.",
    "REWRITE",
    "    Rewrite the configuration file.",
];

/// CONFIG GET and CONFIG HELP, answered from this shard's copy of the config.
pub fn config_sync(conn: &mut Conn, name: &str, args: &Args<'_>) -> Flow {
    let proto = conn.client.borrow().proto;
    let cfg = conn.shard.core.borrow().cfg.clone();
    let mut out = Reply::new(conn.local_out(), proto);
    if name == "config|help" {
        engine::cmd::introspect::help_reply(args.get(0), CONFIG_HELP, &mut out);
        return Flow::Done;
    }
    let mut found: Vec<(&str, String)> = Vec::new();
    for pattern in args.iter().skip(2) {
        for o in all_options() {
            if engine::glob::glob_match(pattern, o.name.as_bytes(), true)
                && !found.iter().any(|(n, _)| *n == o.name)
            {
                found.push((o.name, (o.get)(&cfg)));
            }
        }
    }
    out.map(found.len());
    for (n, v) in found {
        out.bulk(n.as_bytes());
        out.bulk(v.as_bytes());
    }
    Flow::Done
}

/// CONFIG SET, RESETSTAT and REWRITE, which change every shard.
pub async fn config_async(conn: &mut Conn, name: &str, args: &Args<'_>, out: &mut Vec<u8>) {
    let proto = conn.client.borrow().proto;
    let mut reply = Reply::new(out, proto);
    match name {
        "config|set" => {
            if !args.len().is_multiple_of(2) {
                // A name without a value after at least one pair, as Redis 7.0.
                return reply.syntax_error();
            }
            let mut cfg = conn.shard.core.borrow().cfg.clone();
            let mut seen: Vec<&str> = Vec::new();
            for pair in (2..args.len()).step_by(2) {
                let key = String::from_utf8_lossy(args.get(pair)).to_ascii_lowercase();
                let value = String::from_utf8_lossy(args.get(pair + 1)).into_owned();
                let Some(opt) = config::option(&key) else {
                    return reply.error(&format!(
                        "ERR Unknown option or number of arguments for CONFIG SET - '{key}'"
                    ));
                };
                if seen.contains(&opt.name) {
                    return reply.error(&format!(
                        "ERR CONFIG SET failed (possibly related to argument '{key}') - duplicate parameter"
                    ));
                }
                seen.push(opt.name);
                if !opt.mutable {
                    return reply.error(&format!(
                        "ERR CONFIG SET failed (possibly related to argument '{key}') - can't set immutable config"
                    ));
                }
                let words: Vec<String> = if opt.name == "bind" {
                    value.split_whitespace().map(String::from).collect()
                } else {
                    vec![value]
                };
                if let Err(e) = (opt.set)(&mut cfg, &words) {
                    return reply.error(&format!(
                        "ERR CONFIG SET failed (possibly related to argument '{key}') - {e}"
                    ));
                }
            }
            set_config_everywhere(&conn.shard, cfg).await;
            reply.ok();
        }
        "config|resetstat" => {
            conn.shard
                .on_all_shards(|s: &Shard| {
                    s.core.borrow_mut().stats = Default::default();
                })
                .await;
            reply.ok();
        }
        "config|rewrite" => {
            let cfg = conn.shard.core.borrow().cfg.clone();
            match &cfg.config_file {
                None => reply.error("ERR The server is running without a config file"),
                Some(path) => match write_atomically(path, &cfg) {
                    Ok(()) => reply.ok(),
                    Err(e) => reply.error(&format!("ERR Rewriting config file: {e}")),
                },
            }
        }
        _ => reply.error(&format!("ERR unknown subcommand '{name}'. Try CONFIG HELP.")),
    }
}

/// Installs `cfg` on every shard.
async fn set_config_everywhere(shard: &std::rc::Rc<Shard>, cfg: Config) {
    shard
        .on_all_shards(move |s: &Shard| {
            let mut core = s.core.borrow_mut();
            core.engine_cfg = engine_config(&cfg);
            core.cfg = cfg.clone();
        })
        .await;
}

fn write_atomically(path: &std::path::Path, cfg: &Config) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp-rewrite");
    std::fs::write(&tmp, cfg.to_text())?;
    std::fs::rename(&tmp, path)
}

/// DEBUG SLEEP / DIGEST / DIGEST-VALUE / SET-ACTIVE-EXPIRE / HELP.
pub async fn debug(conn: &mut Conn, args: &Args<'_>, out: &mut Vec<u8>) {
    let proto = conn.client.borrow().proto;
    if args.is(1, "sleep") && args.len() == 3 {
        let secs = engine::num::parse_f64(args.get(2)).filter(|s| *s >= 0.0 && *s < 1e9);
        match secs {
            Some(s) => {
                glommio::timer::sleep(std::time::Duration::from_secs_f64(s)).await;
                Reply::new(out, proto).ok();
            }
            None => Reply::new(out, proto).error("ERR value is not a valid float"),
        }
    } else if args.is(1, "digest") && args.len() == 2 {
        let dbs = conn.shard.core.borrow().ks.db_count();
        let per_shard = conn
            .shard
            .on_all_shards(move |s: &Shard| {
                let core = s.core.borrow();
                (0..dbs).map(|j| engine::digest::db_keys(core.ks.db_ref(j))).collect::<Vec<_>>()
            })
            .await;
        let digest = engine::digest::dataset(&per_shard);
        Reply::new(out, proto).simple(&engine::digest::hex(&digest));
    } else if args.is(1, "digest-value") {
        let db = conn.client.borrow().db;
        let mut digests = Vec::with_capacity(args.len().saturating_sub(2));
        for key in args.iter().skip(2) {
            let owner = conn.shard.core.borrow().shard_of(engine::slot::key_slot(key));
            let key = key.to_vec();
            let d = conn
                .shard
                .on_shard(owner, move |s: &Shard| {
                    engine::digest::key_value(s.core.borrow().ks.db_ref(db), &key)
                })
                .await;
            digests.push(d);
        }
        let mut r = Reply::new(out, proto);
        r.array(digests.len());
        for d in &digests {
            r.simple(&engine::digest::hex(d));
        }
    } else if args.is(1, "set-active-expire") && args.len() == 3 {
        let on = args.get(2) != b"0";
        conn.shard.on_all_shards(move |s: &Shard| s.core.borrow_mut().active_expire = on).await;
        Reply::new(out, proto).ok();
    } else if args.is(1, "help") {
        let lines = [
            "DEBUG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "DIGEST",
            "    Output a hex signature representing the current DB content.",
            "DIGEST-VALUE <key> [<key> ...]",
            "    Output a hex signature of the values of all the specified keys.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Setting it to 0 disables expiring keys in background when they are not accessed.",
            "SLEEP <seconds>",
            "    Stop the server for <seconds>. Decimals allowed.",
            "HELP",
            "    Print this help.",
        ];
        let mut r = Reply::new(out, proto);
        r.array(lines.len());
        for l in lines {
            r.simple(l);
        }
    } else {
        Reply::new(out, proto).error(&format!(
            "ERR unknown subcommand or wrong number of arguments for '{}'. Try DEBUG HELP.",
            String::from_utf8_lossy(args.get(1))
        ));
    }
}

/// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: stops the node. Nothing is
/// persisted yet, so SAVE and NOSAVE behave alike.
pub async fn shutdown(conn: &mut Conn, args: &Args<'_>, out: &mut Vec<u8>) {
    let proto = conn.client.borrow().proto;
    let (mut save, mut nosave, mut abort) = (false, false, false);
    for a in args.iter().skip(1) {
        match String::from_utf8_lossy(a).to_ascii_lowercase().as_str() {
            "save" => save = true,
            "nosave" => nosave = true,
            "abort" => abort = true,
            "now" | "force" => {}
            _ => return Reply::new(out, proto).syntax_error(),
        }
    }
    if (save && nosave) || (abort && (save || nosave || args.len() > 2)) {
        return Reply::new(out, proto).syntax_error();
    }
    if abort {
        return Reply::new(out, proto).error("ERR No shutdown in progress.");
    }
    tracing::warn!("User requested shutdown...");
    conn.shard.shared.shutdown.store(true, Ordering::SeqCst);
    conn.close = true;
}

/// COMMAND and its subcommands.
pub fn command(conn: &mut Conn, args: &Args<'_>) {
    let proto = conn.client.borrow().proto;
    engine::cmd::introspect::command(args, &mut Reply::new(conn.local_out(), proto));
}
