//! Field-level validation: every bad field of a request is reported at once, by name.

use chrono::NaiveDate;
use std::collections::HashSet;
use tonic::{Code, Status};
use tonic_types::{ErrorDetails, StatusExt};

use precept_domain::CouncilCode;

/// Collects field violations while a request is parsed.
#[derive(Debug, Default)]
pub struct Violations {
    fields: Vec<(String, String)>,
}

impl Violations {
    /// Records a bad field.
    pub fn add(&mut self, field: &str, description: impl Into<String>) {
        self.fields.push((field.to_owned(), description.into()));
    }

    /// Parses a field, recording a violation (and returning `None`) when it is bad.
    pub fn check<T, E: std::fmt::Display>(&mut self, field: &str, result: Result<T, E>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.add(field, error.to_string());
                None
            }
        }
    }

    /// A required text field.
    pub fn required<'a>(&mut self, field: &str, value: &'a str) -> Option<&'a str> {
        if value.is_empty() {
            self.add(field, "is required");
            None
        } else {
            Some(value)
        }
    }

    /// A business date in `YYYY-MM-DD` form.
    pub fn date(&mut self, field: &str, value: &str) -> Option<NaiveDate> {
        let value = self.required(field, value)?;
        // Only the ISO form: chrono would also accept other spellings of the same date.
        let well_formed = value.len() == 10 && value.as_bytes()[4] == b'-' && value.as_bytes()[7] == b'-';
        match NaiveDate::parse_from_str(value, "%Y-%m-%d") {
            Ok(date) if well_formed => Some(date),
            _ => {
                self.add(field, "must be a date written YYYY-MM-DD");
                None
            }
        }
    }

    /// A council code that is one of the partnership's configured councils.
    pub fn council(&mut self, field: &str, value: &str, known: &HashSet<CouncilCode>) -> Option<CouncilCode> {
        let value = self.required(field, value)?;
        let code = self.check(field, CouncilCode::parse(value))?;
        if known.contains(&code) {
            Some(code)
        } else {
            self.add(field, format!("unknown council {code:?}"));
            None
        }
    }

    /// `INVALID_ARGUMENT` naming every bad field, or `Ok` when there were none.
    ///
    /// # Errors
    /// The status, when any field was bad.
    pub fn finish(self) -> Result<(), Status> {
        if self.fields.is_empty() {
            return Ok(());
        }
        let summary: Vec<String> = self
            .fields
            .iter()
            .map(|(field, description)| format!("{field}: {description}"))
            .collect();
        let mut details = ErrorDetails::new();
        for (field, description) in &self.fields {
            details.add_bad_request_violation(field.clone(), description.clone());
        }
        Err(Status::with_error_details(
            Code::InvalidArgument,
            format!("invalid request: {}", summary.join("; ")),
            details,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bad_field_is_named_in_one_status() {
        let mut violations = Violations::default();
        violations.required("request_id", "");
        violations.date("received_on", "01/05/2025");
        let status = violations.finish().expect_err("two violations");
        assert_eq!(status.code(), Code::InvalidArgument);
        let fields: Vec<String> = status
            .get_details_bad_request()
            .expect("bad request details")
            .field_violations
            .into_iter()
            .map(|violation| violation.field)
            .collect();
        assert_eq!(fields, ["request_id", "received_on"]);
    }

    #[test]
    fn only_iso_dates_are_accepted() {
        let mut violations = Violations::default();
        assert!(violations.date("d", "2025-04-01").is_some());
        assert!(violations.date("d", "2025-4-1").is_none());
        assert!(violations.date("d", "2025-02-30").is_none());
    }
}
