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
    /// `hash-max-listpack-entries`: most fields of a listpack-encoded hash.
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value`: longest field or value of a listpack-encoded
    /// hash, in bytes.
    pub hash_max_listpack_value_bytes: usize,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            proto_max_bulk_len_bytes: 512 * 1024 * 1024,
            cluster_enabled: false,
            // Redis 7.0's defaults (512 fields, 64 bytes).
            hash_max_listpack_entries: 512,
            hash_max_listpack_value_bytes: 64,
        }
    }
}
