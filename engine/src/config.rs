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
    /// `hash-max-listpack-entries`: most fields of a listpack-encoded hash.
    pub hash_max_listpack_entries: usize,
    /// `hash-max-listpack-value`: longest field or value of a listpack-encoded
    /// hash, in bytes.
    pub hash_max_listpack_value_bytes: usize,
    /// `list-max-listpack-size` (alias `list-max-ziplist-size`): the size of a
    /// list node, bytes by level when negative (-2: 8 KiB), elements when positive.
    pub list_max_listpack_size: i64,
    /// `list-compress-depth`: accepted; list nodes are never compressed.
    pub list_compress_depth: i64,
    /// `zset-max-listpack-entries`: most members of a listpack-encoded sorted set.
    pub zset_max_listpack_entries: usize,
    /// `zset-max-listpack-value`: longest member of a listpack-encoded sorted set, bytes.
    pub zset_max_listpack_value_bytes: usize,
    /// `hll-sparse-max-bytes`: longest sparse HyperLogLog (header included)
    /// before it is converted to the dense encoding.
    pub hll_sparse_max_bytes: usize,
}

impl EngineConfig {
    /// The hash encoding limits.
    pub fn hash_limits(&self) -> crate::keyspace::hash::ListpackLimits {
        crate::keyspace::hash::ListpackLimits {
            entries: self.hash_max_listpack_entries,
            value_bytes: self.hash_max_listpack_value_bytes,
        }
    }

    /// The sorted set encoding limits.
    pub fn zset_limits(&self) -> crate::keyspace::zset::ZSetLimits {
        crate::keyspace::zset::ZSetLimits {
            max_listpack_entries: self.zset_max_listpack_entries,
            max_listpack_value_bytes: self.zset_max_listpack_value_bytes,
        }
    }
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            proto_max_bulk_len_bytes: 512 * 1024 * 1024,
            cluster_enabled: false,
            set_max_intset_entries: 512,
            // Redis 7.0's defaults (512 fields, 64 bytes).
            hash_max_listpack_entries: 512,
            hash_max_listpack_value_bytes: 64,
            list_max_listpack_size: -2,
            list_compress_depth: 0,
            zset_max_listpack_entries: 128,
            zset_max_listpack_value_bytes: 64,
            hll_sparse_max_bytes: 3000,
        }
    }
}
