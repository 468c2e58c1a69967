//! `slotd cluster ...`: the admin CLI, mirroring `redis-cli --cluster` (create,
//! check, info, add-node, del-node, reshard, rebalance, fix) for clusters of
//! slotd and redis-server nodes. Slots move with slotd's native stream where
//! both ends are slotd and the Redis way otherwise; long operations show a
//! progress bar and end with a summary. Plain blocking code: it runs before
//! (and instead of) the server.

mod check;
mod nodes;
mod reshard;
mod topology;

use std::time::Instant;

use clap::{Parser, Subcommand};

use reshard::{Options, SlotMap};
use topology::Cluster;

/// `slotd cluster <command>`.
#[derive(Parser)]
#[command(name = "slotd cluster", about = "Manage a cluster of slotd (and redis-server) nodes")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Make a cluster of the given masters (no replicas yet).
    Create {
        nodes: Vec<String>,
        #[arg(long)]
        yes: bool,
    },
    /// Check that the nodes agree, no slot is open and every slot is served.
    Check { node: String },
    /// Keys and slots per master.
    Info { node: String },
    /// Add an empty master.
    AddNode { new_node: String, existing_node: String },
    /// Remove an empty node.
    DelNode { node: String, node_id: String },
    /// Move slots to one master.
    Reshard {
        node: String,
        /// Source node ids (or prefixes), comma separated, or `all`.
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        #[arg(long)]
        slots: usize,
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        moves: MoveArgs,
    },
    /// Move slots until every master has its share (by weight).
    Rebalance {
        node: String,
        /// `id=weight`, repeatable.
        #[arg(long = "weight")]
        weights: Vec<String>,
        #[arg(long)]
        use_empty_masters: bool,
        /// Percent off its share that a master may be before slots move.
        #[arg(long, default_value_t = 2.0)]
        threshold: f64,
        #[command(flatten)]
        moves: MoveArgs,
    },
    /// Close open slots and serve uncovered ones.
    Fix { node: String },
}

#[derive(clap::Args)]
struct MoveArgs {
    /// Keys per MIGRATE on the Redis path.
    #[arg(long, default_value_t = 10)]
    pipeline: usize,
    /// MIGRATE timeout, ms.
    #[arg(long, default_value_t = 60_000)]
    timeout: u64,
    /// Move slots the Redis way even between slotd nodes.
    #[arg(long)]
    redis_path: bool,
    /// Overwrite keys the target already has.
    #[arg(long)]
    replace: bool,
}

impl MoveArgs {
    fn options(&self) -> Options {
        Options {
            pipeline: self.pipeline.max(1),
            timeout_ms: self.timeout,
            redis_path: self.redis_path,
            replace: self.replace,
        }
    }
}

impl Cluster {
    /// Masters' slots.
    fn slot_map(&self) -> SlotMap {
        self.masters().map(|n| (n.id.clone(), n.slots.clone())).collect()
    }
}

/// Runs the CLI on `args` (after `cluster`); returns the exit code.
pub fn run(args: &[String]) -> i32 {
    let cli = match Cli::try_parse_from(
        std::iter::once("slotd cluster".to_string()).chain(args.iter().cloned()),
    ) {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() { 2 } else { 0 };
        }
    };
    match dispatch(cli.command) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("[ERR] {e}");
            1
        }
    }
}

fn dispatch(command: Command) -> Result<i32, String> {
    match command {
        Command::Create { nodes, yes: _ } => nodes::create(&nodes).map(|_| 0),
        Command::Check { node } => {
            let mut c = Cluster::load(&node)?;
            Ok(i32::from(check::check(&mut c, &node)? > 0))
        }
        Command::Info { node } => check::info(&mut Cluster::load(&node)?).map(|_| 0),
        Command::AddNode { new_node, existing_node } => {
            nodes::add_node(&new_node, &existing_node).map(|_| 0)
        }
        Command::DelNode { node, node_id } => nodes::del_node(&node, &node_id).map(|_| 0),
        Command::Reshard { node, from, to, slots, yes: _, moves } => {
            let mut c = Cluster::load(&node)?;
            let target = c.find(&to)?;
            let sources: Vec<String> = if from == "all" {
                c.masters().map(|n| n.id.clone()).filter(|id| *id != target).collect()
            } else {
                from.split(',').map(|f| c.find(f.trim())).collect::<Result<_, _>>()?
            };
            let plan = reshard::plan_reshard(&c.slot_map(), &sources, &target, slots);
            println!(">>> Moving {} slots to {}", plan.len(), c.nodes[&target].addr());
            run_moves(&mut c, vec![(target, plan)], &moves.options())
        }
        Command::Rebalance { node, weights, use_empty_masters, threshold, moves } => {
            let mut c = Cluster::load(&node)?;
            let weights: Vec<(String, f64)> = weights
                .iter()
                .map(|w| {
                    let (id, v) = w
                        .split_once('=')
                        .ok_or_else(|| format!("bad weight {w}: id=weight expected"))?;
                    Ok((c.find(id)?, v.parse().map_err(|_| format!("bad weight {w}"))?))
                })
                .collect::<Result<_, String>>()?;
            let plan =
                reshard::plan_rebalance(&c.slot_map(), &weights, use_empty_masters, threshold);
            if plan.is_empty() {
                println!("*** No rebalancing needed! All nodes are within the {threshold:.2}% threshold.");
                return Ok(0);
            }
            run_moves(&mut c, plan, &moves.options())
        }
        Command::Fix { node } => nodes::fix(&node).map(|_| 0),
    }
}

/// Runs the planned moves and prints the summary.
fn run_moves(
    c: &mut Cluster,
    plan: Vec<(String, Vec<reshard::Move>)>,
    opts: &Options,
) -> Result<i32, String> {
    let started = Instant::now();
    let mut total = reshard::Summary::default();
    for (target, moves) in plan {
        let s = reshard::execute(c, &moves, &target, opts)?;
        total.slots += s.slots;
        total.keys += s.keys;
        total.bytes += s.bytes;
    }
    let secs = started.elapsed().as_secs_f64().max(1e-3);
    nodes::await_agreement(&c.entry, c.nodes.len())?;
    println!(
        "[OK] Moved {} slots, {} keys{} in {secs:.2} s ({:.0} keys/s).",
        total.slots,
        total.keys,
        if total.bytes > 0 {
            format!(", {:.1} MiB", total.bytes as f64 / (1 << 20) as f64)
        } else {
            String::new()
        },
        total.keys as f64 / secs
    );
    Ok(0)
}
