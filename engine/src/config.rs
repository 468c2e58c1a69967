//! Settings of the engine that users change with CONFIG SET.
//!
//! The node owns the full configuration; every shard holds a copy of this part,
//! updated by a message when CONFIG SET changes it.

/// Engine settings, with Redis's defaults.
#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// `proto-max-bulk-len`: the largest string a command may create, in bytes.
    pub proto_max_bulk_len_bytes: u64,
    /// `cluster-enabled`: MOVE, SWAPDB and COPY ... DB refuse to run.
    pub cluster_enabled: bool,
    /// `set-max-intset-entries`: the most members an all-integer set keeps in
    /// the `intset` encoding.
    pub set_max_intset_entries: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            proto_max_bulk_len_bytes: 512 * 1024 * 1024,
            cluster_enabled: false,
            set_max_intset_entries: 512,
        }
    }
}
