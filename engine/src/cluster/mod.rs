//! Redis Cluster logic without I/O: the cluster bus wire format (`bus`) and
//! what a node knows of its cluster (`state`).
//! The node moves the bytes; what is decided about them lives here.

pub mod bus;
pub mod commands;
pub mod gossip;
pub mod nodes_conf;
pub mod state;
