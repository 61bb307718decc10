//! Stream and subject names: the layout every other part of the system relies on.
//!
//! `PRECEPT_<COUNCIL>` holds `precept.<council>.<kind>.<id>`. Council codes are lowercase
//! with hyphens; stream names use the upper-case code with hyphens turned into underscores.

use precept_domain::CouncilCode;

/// The pseudo-council code of the partnership-wide stream.
pub const PARTNERSHIP_CODE: &str = CouncilCode::PARTNERSHIP;

/// The stream holding a council's aggregates.
pub fn stream_name(council: &str) -> String {
    format!("PRECEPT_{}", council.to_ascii_uppercase().replace('-', "_"))
}

/// The stream holding partnership-wide aggregates.
pub fn partnership_stream() -> String {
    stream_name(PARTNERSHIP_CODE)
}

/// Every subject in a council's stream.
pub fn council_subjects(council: &str) -> String {
    format!("precept.{council}.>")
}

/// The subject of one aggregate.
pub fn subject(council: &str, kind: &str, aggregate_id: &str) -> String {
    format!("precept.{council}.{kind}.{aggregate_id}")
}

/// The KV key of one aggregate's snapshot.
pub fn snapshot_key(council: &str, kind: &str, aggregate_id: &str) -> String {
    format!("{council}.{kind}.{aggregate_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_documented_layout() {
        assert_eq!(stream_name("tunbridge-wells"), "PRECEPT_TUNBRIDGE_WELLS");
        assert_eq!(partnership_stream(), "PRECEPT_PARTNERSHIP");
        assert_eq!(subject("swale", "ct-account", "abc"), "precept.swale.ct-account.abc");
        assert_eq!(council_subjects("swale"), "precept.swale.>");
    }
}
