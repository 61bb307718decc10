//! Field-level validation: every bad field of a request is reported at once, by name.

use chrono::NaiveDate;
use precept_app::access::Caller;
use std::collections::HashSet;
use tonic::{Code, Request, Status};
use tonic_types::{ErrorDetails, StatusExt};

use precept_domain::CouncilCode;

/// The partnership's councils, as a service checks the councils a request names.
pub trait KnownCouncils {
    /// Whether `council` is a configured member.
    fn knows(&self, council: &CouncilCode) -> bool;

    /// Whether a named council must be within the caller's scope. True everywhere except
    /// business rates, where an agent acts on another council's accounts and the application
    /// service decides who may act for whom.
    fn scoped(&self) -> bool {
        true
    }
}

impl KnownCouncils for HashSet<CouncilCode> {
    fn knows(&self, council: &CouncilCode) -> bool {
        self.contains(council)
    }
}

impl<K: KnownCouncils + ?Sized> KnownCouncils for std::sync::Arc<K> {
    fn knows(&self, council: &CouncilCode) -> bool {
        (**self).knows(council)
    }

    fn scoped(&self) -> bool {
        (**self).scoped()
    }
}

/// The councils of the business rates service: any member may be named as the billing
/// authority; the asking council is the credential's (see `business_rates::acting`).
#[derive(Debug, Clone)]
pub struct AgencyCouncils(pub HashSet<CouncilCode>);

impl KnownCouncils for AgencyCouncils {
    fn knows(&self, council: &CouncilCode) -> bool {
        self.0.contains(council)
    }

    fn scoped(&self) -> bool {
        false
    }
}

/// The longest text field accepted: ids, codes, references and reasons are all far shorter.
pub const TEXT_LENGTH_MAX: usize = 1_000;

/// A request (or a reference to one) that may carry the auth layer's [`Caller`].
pub trait CarriesCaller {
    /// The authenticated caller, if the auth layer let the request through.
    fn caller(&self) -> Option<&Caller>;
}

impl<T> CarriesCaller for Request<T> {
    fn caller(&self) -> Option<&Caller> {
        self.extensions().get::<Caller>()
    }
}

impl<R: CarriesCaller> CarriesCaller for &R {
    fn caller(&self) -> Option<&Caller> {
        (**self).caller()
    }
}

/// Collects field violations while a request is parsed, and checks the councils it names
/// against the caller's scope (docs/ACCESS.md).
#[derive(Debug, Default)]
pub struct Violations {
    fields: Vec<(String, String)>,
    caller: Option<Caller>,
    out_of_scope: Vec<String>,
}

impl Violations {
    /// Violations for one request, checking its councils against its authenticated caller.
    ///
    /// The auth layer puts the [`Caller`] on every request it lets through; a request without
    /// one (a unit test calling a service directly) is not scope-checked.
    pub fn for_request(request: &impl CarriesCaller) -> Self {
        Violations {
            caller: request.caller().cloned(),
            ..Violations::default()
        }
    }

    /// Records that the request names one aggregate, for the access log.
    pub fn touch(&mut self, kind: &'static str, id: &str) {
        if let Some(caller) = &self.caller {
            caller.touch(kind, id);
        }
    }

    /// Records (for the access log) and scope-checks a council the request names.
    fn reach(&mut self, field: &str, council: &CouncilCode) {
        if let Some(caller) = &self.caller {
            caller.touch_council(council);
            if !caller.reaches(council) {
                self.out_of_scope.push(format!(
                    "{field}: credential {} may not reach council {council}",
                    caller.credential
                ));
            }
        }
    }

    /// A council the caller's scope must reach, without requiring it to be a configured
    /// member (the business rates service checks agencies itself).
    pub fn scoped(&mut self, field: &str, council: &CouncilCode) {
        self.reach(field, council);
    }
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

    /// A required text field: present, at most [`TEXT_LENGTH_MAX`] bytes, and printable.
    pub fn required<'a>(&mut self, field: &str, value: &'a str) -> Option<&'a str> {
        if value.is_empty() {
            self.add(field, "is required");
            None
        } else {
            self.text(field, value)
        }
    }

    /// An optional text field (empty allowed), held to the same rule as a required one.
    /// Control characters are refused because text ends up in files councils print and
    /// parse (statements, CSV reports), where they break lines and columns.
    pub fn text<'a>(&mut self, field: &str, value: &'a str) -> Option<&'a str> {
        if value.len() > TEXT_LENGTH_MAX {
            self.add(field, format!("must be at most {TEXT_LENGTH_MAX} bytes"));
            None
        } else if value.chars().any(char::is_control) {
            self.add(field, "must not contain control characters");
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

    /// A council code that is one of the partnership's configured councils, and (for a
    /// service whose councils are scoped) one the caller's credential reaches.
    pub fn council(&mut self, field: &str, value: &str, known: &impl KnownCouncils) -> Option<CouncilCode> {
        let value = self.required(field, value)?;
        let code = self.check(field, CouncilCode::parse(value))?;
        if known.knows(&code) {
            if known.scoped() {
                self.reach(field, &code);
            } else if let Some(caller) = &self.caller {
                caller.touch_council(&code);
            }
            Some(code)
        } else {
            self.add(field, format!("unknown council {code:?}"));
            None
        }
    }

    /// The authenticated caller, when there is one.
    pub fn caller(&self) -> Option<&Caller> {
        self.caller.as_ref()
    }

    /// `INVALID_ARGUMENT` naming every bad field, or `Ok` when there were none.
    ///
    /// # Errors
    /// The status, when any field was bad.
    pub fn finish(self) -> Result<(), Status> {
        // Reaching outside the caller's scope is refused before anything else is said about
        // the request, so a bad request cannot be used to probe another council's data.
        if !self.out_of_scope.is_empty() {
            return Err(Status::permission_denied(self.out_of_scope.join("; ")));
        }
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
    fn text_is_bounded_and_printable() {
        let mut violations = Violations::default();
        assert!(violations.required("a", "REF-1").is_some());
        assert!(violations.required("b", &"x".repeat(TEXT_LENGTH_MAX + 1)).is_none());
        assert!(violations.text("c", "two\nlines").is_none());
        assert!(violations.text("d", "").is_some());
        let status = violations.finish().expect_err("two violations");
        assert!(status.message().contains("b: must be at most"));
        assert!(status.message().contains("c: must not contain control characters"));
    }

    #[test]
    fn only_iso_dates_are_accepted() {
        let mut violations = Violations::default();
        assert!(violations.date("d", "2025-04-01").is_some());
        assert!(violations.date("d", "2025-4-1").is_none());
        assert!(violations.date("d", "2025-02-30").is_none());
    }
}
