//! Fuzz target: arbitrary bytes through `parse_request`, read in chunks and
//! parsed in a loop the way the connection does, checking that consumed counts
//! and argument spans stay in bounds and that the read size does not change the
//! result. The checks live in `engine::resp::parse_check` so the stable property
//! test in the engine runs exactly the same ones.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    engine::resp::parse_check::check_bytes(data);
});
