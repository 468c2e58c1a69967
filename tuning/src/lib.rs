//! Capacity planning for slotd deployments: a placeholder crate until its issue
//! comes; see `tuning/README.md` for what it will hold.
