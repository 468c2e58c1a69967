//! RESP: the request parser and the reply encoder.

pub mod parse;
#[cfg(any(test, feature = "fuzzing"))]
pub mod parse_check;
pub mod reply;
pub mod request;
pub mod scan;

pub use parse::{parse_request, ParseLimits, Parsed, ProtoError, Span};
pub use reply::{Protocol, Reply};
