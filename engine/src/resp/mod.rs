//! RESP: the request parser and the reply encoder.

pub mod parse;
pub mod reply;
pub mod scan;

pub use parse::{parse_request, ParseLimits, Parsed, ProtoError, Span};
pub use reply::{Protocol, Reply};
