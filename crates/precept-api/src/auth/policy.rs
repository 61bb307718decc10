//! Which role each gRPC method needs, and which only the partnership's staff may call.
//!
//! One table for the whole API, so the access matrix in docs/ACCESS.md can be read off it:
//! `Get`/`List` calls need `read` and everything else `write`, except the rows below.

use precept_app::access::Role;

/// What a method needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    /// The caller must hold every one of these roles…
    pub all_of: &'static [Role],
    /// …and at least one of these (empty: no further role).
    pub any_of: &'static [Role],
    /// Only a partnership-scoped credential may call it.
    pub partnership_only: bool,
}

const READ: Rule = Rule::one(Role::Read);
const WRITE: Rule = Rule::one(Role::Write);
const ADMIN: Rule = Rule::one(Role::Admin);
const AUDIT: Rule = Rule::one(Role::Audit);
const FINANCE: Rule = Rule::one(Role::Finance);
/// Counts and rates with nothing personal in them: read, or finance.
const FIGURES: Rule = Rule {
    all_of: &[],
    any_of: &[Role::Read, Role::Finance],
    partnership_only: false,
};
/// The partnership's cost data, recorded by its finance staff.
const COSTS: Rule = Rule {
    all_of: &[Role::Finance, Role::Write],
    any_of: &[],
    partnership_only: true,
};
const PARTNERSHIP_ADMIN: Rule = Rule {
    partnership_only: true,
    ..ADMIN
};

impl Rule {
    const fn one(role: Role) -> Rule {
        Rule {
            all_of: match role {
                Role::Read => &[Role::Read],
                Role::Write => &[Role::Write],
                Role::Finance => &[Role::Finance],
                Role::Audit => &[Role::Audit],
                Role::Admin => &[Role::Admin],
            },
            any_of: &[],
            partnership_only: false,
        }
    }

    /// The roles this rule asks for, as a person would say it ("finance and write").
    pub fn describe(&self) -> String {
        let all: Vec<&str> = self.all_of.iter().map(|role| role.as_str()).collect();
        let any: Vec<&str> = self.any_of.iter().map(|role| role.as_str()).collect();
        match (all.is_empty(), any.is_empty()) {
            (false, true) => all.join(" and "),
            (true, false) => any.join(" or "),
            _ => format!("{} and one of {}", all.join(" and "), any.join(" or ")),
        }
    }
}

/// Services the API serves; a method of any other is refused rather than guessed at.
const SERVICES: [&str; 10] = [
    "CouncilTaxAccounts",
    "CouncilTaxSetup",
    "CouncilTaxBilling",
    "CouncilTaxRecovery",
    "BusinessRates",
    "Benefits",
    "Partnership",
    "Audit",
    "AccessLog",
    "Admin",
];

/// The rule for a gRPC path (`/precept.v1.Service/Method`); `None` for a path that is not a
/// Precept method.
pub fn rule(path: &str) -> Option<Rule> {
    let (service, method) = path.strip_prefix("/precept.v1.")?.split_once('/')?;
    if !SERVICES.contains(&service) {
        return None;
    }
    Some(match (service, method) {
        ("Audit" | "AccessLog", _) => AUDIT,
        ("Admin", _) => PARTNERSHIP_ADMIN,
        // A year's settings and who collects for whom are the council's policy decisions.
        ("CouncilTaxSetup", "SetYearSettings")
        | ("BusinessRates", "SetNndrYear" | "AppointAgent" | "EndAgency")
        | ("Benefits", "SetBenefitSettings") => ADMIN,
        ("Partnership", "JoinPartnership" | "LeavePartnership") => PARTNERSHIP_ADMIN,
        ("Partnership", "SetCostLine" | "RecordActualCost" | "FixDriverEstimate") => COSTS,
        ("Partnership", _) => FINANCE,
        ("Benefits", "GetCaseload" | "GetSpeedOfProcessing" | "GetAutomationRate" | "GetOverpayments")
        | ("BusinessRates", "GetCollectableDebit" | "GetCollectionByMonth")
        | ("CouncilTaxRecovery", "GetCaseload") => FIGURES,
        (_, method) if method.starts_with("Get") || method.starts_with("List") => READ,
        _ => WRITE,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_writes_and_the_exceptions() {
        assert_eq!(rule("/precept.v1.CouncilTaxBilling/GetStatement"), Some(READ));
        assert_eq!(rule("/precept.v1.CouncilTaxBilling/RunAnnualBilling"), Some(WRITE));
        assert_eq!(rule("/precept.v1.CouncilTaxSetup/SetYearSettings"), Some(ADMIN));
        assert_eq!(rule("/precept.v1.Partnership/GetApportionment"), Some(FINANCE));
        assert_eq!(rule("/precept.v1.Partnership/SetCostLine"), Some(COSTS));
        assert_eq!(rule("/precept.v1.Benefits/GetAutomationRate"), Some(FIGURES));
        assert_eq!(rule("/precept.v1.Unknown/GetThing"), None);
        assert_eq!(rule("/grpc.health.v1.Health/Check"), None);
        assert_eq!(COSTS.describe(), "finance and write");
        assert_eq!(FIGURES.describe(), "read or finance");
    }
}
