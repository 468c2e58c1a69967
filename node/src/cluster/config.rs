//! The cluster options of redis.conf (`cluster-enabled`, `cluster-config-file`,
//! `cluster-node-timeout` ...): their values and their rows in the option
//! table behind CONFIG GET/SET and the config file.

use crate::config::{one, parse_bool, parse_int, yes_no, OptionDef};

/// Cluster settings, with Redis 7.0's defaults.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterConfig {
    /// Run as a cluster node.
    pub enabled: bool,
    /// nodes.conf, relative to `dir`.
    pub config_file: String,
    /// How long a node may not answer before it is suspected, ms.
    pub node_timeout_ms: u64,
    /// Cluster bus port; 0: client port + 10000.
    pub port: u16,
    /// Address, ports and hostname announced to the other nodes (empty/0: the real ones).
    pub announce_ip: String,
    pub announce_port: u16,
    pub announce_bus_port: u16,
    pub announce_hostname: String,
    /// Stop serving when a slot is not covered.
    pub require_full_coverage: bool,
    /// Serve reads while the cluster is down.
    pub allow_reads_when_down: bool,
    /// Accepted for compatibility (failover is a later issue).
    pub replica_validity_factor: u64,
    pub migration_barrier: u64,
    pub allow_replica_migration: bool,
    pub replica_no_failover: bool,
}

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig {
            enabled: false,
            config_file: "nodes.conf".into(),
            node_timeout_ms: 15_000,
            port: 0,
            announce_ip: String::new(),
            announce_port: 0,
            announce_bus_port: 0,
            announce_hostname: String::new(),
            require_full_coverage: true,
            allow_reads_when_down: false,
            replica_validity_factor: 10,
            migration_barrier: 1,
            allow_replica_migration: true,
            replica_no_failover: false,
        }
    }
}

impl ClusterConfig {
    /// The cluster bus port for client port `port`.
    pub fn bus_port(&self, port: u16) -> u16 {
        if self.port != 0 {
            self.port
        } else {
            port.wrapping_add(10_000)
        }
    }

    /// The client port announced to the cluster.
    pub fn announce_port_or(&self, port: u16) -> u16 {
        if self.announce_port != 0 {
            self.announce_port
        } else {
            port
        }
    }

    /// The bus port announced to the cluster.
    pub fn announce_bus_port_or(&self, port: u16) -> u16 {
        if self.announce_bus_port != 0 {
            self.announce_bus_port
        } else {
            self.bus_port(port)
        }
    }
}

/// A yes/no option.
macro_rules! flag {
    ($name:literal, $field:ident, $mutable:literal) => {
        OptionDef {
            name: $name,
            get: |c| yes_no(c.cluster.$field),
            set: |c, w| {
                c.cluster.$field = parse_bool(w)?;
                Ok(())
            },
            mutable: $mutable,
        }
    };
}

/// A numeric option.
macro_rules! number {
    ($name:literal, $field:ident, $ty:ty, $min:expr, $max:expr, $mutable:literal) => {
        OptionDef {
            name: $name,
            get: |c| c.cluster.$field.to_string(),
            set: |c, w| {
                c.cluster.$field = parse_int(w, $min, $max)? as $ty;
                Ok(())
            },
            mutable: $mutable,
        }
    };
}

/// A string option.
macro_rules! text {
    ($name:literal, $field:ident, $mutable:literal) => {
        OptionDef {
            name: $name,
            get: |c| c.cluster.$field.clone(),
            set: |c, w| {
                c.cluster.$field = one(w)?.to_string();
                Ok(())
            },
            mutable: $mutable,
        }
    };
}

/// The cluster rows of the option table.
pub const OPTIONS: &[OptionDef] = &[
    flag!("cluster-enabled", enabled, false),
    text!("cluster-config-file", config_file, false),
    number!("cluster-node-timeout", node_timeout_ms, u64, 0i64, i64::MAX, true),
    number!("cluster-port", port, u16, 0i64, 65535, false),
    text!("cluster-announce-ip", announce_ip, true),
    number!("cluster-announce-port", announce_port, u16, 0i64, 65535, true),
    number!("cluster-announce-bus-port", announce_bus_port, u16, 0i64, 65535, true),
    text!("cluster-announce-hostname", announce_hostname, true),
    flag!("cluster-require-full-coverage", require_full_coverage, true),
    flag!("cluster-allow-reads-when-down", allow_reads_when_down, true),
    number!(
        "cluster-replica-validity-factor",
        replica_validity_factor,
        u64,
        0i64,
        i32::MAX as i64,
        true
    ),
    number!("cluster-migration-barrier", migration_barrier, u64, 0i64, i32::MAX as i64, true),
    flag!("cluster-allow-replica-migration", allow_replica_migration, true),
    flag!("cluster-replica-no-failover", replica_no_failover, true),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn options_parse_and_render() {
        let mut c = Config::default();
        c.load_text(
            "cluster-enabled yes\ncluster-node-timeout 5000\ncluster-port 17001\ncluster-announce-ip 10.1.1.1\n",
            "t.conf",
        )
        .unwrap();
        assert!(c.cluster.enabled);
        assert_eq!(c.cluster.node_timeout_ms, 5000);
        assert_eq!(c.cluster.bus_port(7001), 17001);
        assert_eq!(ClusterConfig::default().bus_port(7001), 17001);
        assert_eq!(c.cluster.announce_ip, "10.1.1.1");
        let e = Config::default().load_text("cluster-enabled maybe\n", "t.conf").unwrap_err();
        assert!(e.contains("yes' or 'no"), "{e}");
        let mut d = Config::default();
        d.load_text(&c.to_text(), "rewrite").unwrap();
        assert_eq!(d.cluster, c.cluster);
    }
}
