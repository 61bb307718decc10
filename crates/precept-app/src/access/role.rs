//! The five roles a credential may carry, and a set of them.

use std::fmt;

/// What a credential may do. Roles add up; none implies another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// Read account, property, claim and caseload data.
    Read,
    /// Send commands: open, bill, pay, change, assess, import.
    Write,
    /// See the cost-sharing, collection-fund and performance views (and nothing personal).
    Finance,
    /// Read the event history, past states, the live event feed and the access log.
    Audit,
    /// Set a council's yearly settings and run the service (switch read models).
    Admin,
}

impl Role {
    /// Every role, in a fixed order.
    pub const ALL: [Role; 5] = [Role::Read, Role::Write, Role::Finance, Role::Audit, Role::Admin];

    /// The role's name, as written in tokens' descriptions and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Read => "read",
            Role::Write => "write",
            Role::Finance => "finance",
            Role::Audit => "audit",
            Role::Admin => "admin",
        }
    }

    /// Parses a role name.
    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A set of roles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Roles(u8);

impl Roles {
    /// The set holding `roles`.
    pub fn of(roles: &[Role]) -> Self {
        Roles(roles.iter().fold(0, |bits, role| bits | role.bit()))
    }

    /// Whether `role` is in the set.
    pub fn has(self, role: Role) -> bool {
        self.0 & role.bit() != 0
    }

    /// Whether the set is empty.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// The roles in the set, in [`Role::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Role> {
        Role::ALL.into_iter().filter(move |role| self.has(*role))
    }

    /// Parses a comma-separated list (`read,write`).
    ///
    /// # Errors
    /// The first unknown name.
    pub fn parse_list(text: &str) -> Result<Self, String> {
        let mut roles = Vec::new();
        for name in text.split(',').map(str::trim).filter(|name| !name.is_empty()) {
            roles.push(Role::parse(name).ok_or_else(|| format!("unknown role {name:?}"))?);
        }
        Ok(Roles::of(&roles))
    }
}

impl fmt::Display for Roles {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.iter().map(Role::as_str).collect();
        f.write_str(&names.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_parses_to_exactly_its_roles() {
        let roles = Roles::parse_list("read, finance").expect("valid");
        assert!(roles.has(Role::Read) && roles.has(Role::Finance));
        assert!(!roles.has(Role::Write) && !roles.has(Role::Audit) && !roles.has(Role::Admin));
        assert_eq!(roles.to_string(), "read,finance");
        assert!(Roles::parse_list("read,root").is_err());
    }
}
