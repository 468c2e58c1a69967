//! Redis Cluster logic without I/O: the cluster bus wire format (`bus`).
//! The node moves the bytes; what is decided about them lives here.

pub mod bus;
