//! What the bench harnesses share: starting servers (alone or as cluster
//! nodes) and cleaning them up, a small blocking RESP client, what /proc says
//! of a process (CPU time, run-queue wait, memory), and result
//! tables. The binaries are `slotd-bench` (src/main.rs) and `slotd-migbench`
//! (src/migbench/).

pub mod cleanup;
pub mod client;
pub mod procfs;
pub mod servers;
pub mod table;
