//! Wall-clock times as the API writes them (RFC 3339) and as the record counts them
//! (milliseconds since the Unix epoch).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// The wall clock in milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    millis(OffsetDateTime::now_utc())
}

pub fn millis(at: OffsetDateTime) -> i64 {
    i64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// Parses a timestamp the database or a client wrote.
pub fn parse(text: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(text, &Rfc3339).ok()
}

/// Milliseconds since the Unix epoch of an RFC 3339 timestamp.
pub fn parse_ms(text: &str) -> Option<i64> {
    parse(text).map(millis)
}

pub fn format(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_default()
}
