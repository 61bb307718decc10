//! National Insurance numbers (NINOs), validated and normalised, and never shown.
//!
//! What this is: [`Nino`], which can only hold a well-formed number, written in one canonical
//! spelling (upper case, no spaces) so that two spellings of the same number compare equal
//! and hash alike.
//! What this is not: storage or matching. A NINO is personal data: it is never put in an event,
//! a log line or an error message. The application layer turns it into a keyed hash at the edge
//! (the one use of [`Nino::expose`]) and matches claims on that hash.
//!
//! The format rules are HMRC's published ones for issued numbers: two prefix letters, six digits
//! and a suffix letter A, B, C or D.
//! - The first prefix letter is never D, F, I, Q, U or V.
//! - The second prefix letter is never D, F, I, O, Q, U or V.
//! - The prefixes BG, GB, KN, NK, NT, TN and ZZ are never allocated.
//!
//! One deliberate exception: the prefix **QQ** is accepted (see [`Nino::TEST_PREFIX`]).
//! HMRC and DWP use it in examples precisely because it is never issued, so test files,
//! fixtures and documentation can use numbers that cannot belong to a real person.
//! [`Nino::is_test`] lets an importer refuse such numbers in production if it wants to.
//! This choice is recorded in docs/UC-FILE-FORMAT.md.

use std::fmt;
use std::str::FromStr;

/// A National Insurance number: two letters, six digits and a suffix letter, upper case and
/// without spaces.
///
/// `Debug` and `Display` print `Nino(<redacted>)` and `<redacted NINO>`: the number is
/// personal data and must never reach a log, an error message or a panic. There is
/// deliberately no serde implementation, because a NINO is never stored.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Nino(String);

/// Why a text is not a National Insurance number.
///
/// The messages never include the text that was refused: it may be someone's real number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NinoError {
    /// Without spaces, a NINO is exactly nine characters.
    #[error("National Insurance number must be 9 characters once spaces are removed")]
    Length,
    /// The first two characters are not letters, or are a prefix that is never issued.
    #[error("National Insurance number prefix is not one that is issued")]
    Prefix,
    /// Characters three to eight are not all digits.
    #[error("National Insurance number must have six digits after the prefix")]
    Digits,
    /// The last character is not A, B, C or D.
    #[error("National Insurance number suffix must be A, B, C or D")]
    Suffix,
}

/// The number of characters in a normalised NINO.
const NINO_LEN: usize = 9;

/// Prefixes made of allowed letters that are nevertheless never allocated.
const PREFIXES_NEVER_ALLOCATED: [[u8; 2]; 7] = [*b"BG", *b"GB", *b"KN", *b"NK", *b"NT", *b"TN", *b"ZZ"];

impl Nino {
    /// The example prefix that is never issued, accepted so that test data is never a real
    /// person's number.
    pub const TEST_PREFIX: &'static str = "QQ";

    /// Parses a NINO, accepting lower case and spaces anywhere (`"qq 12 34 56 c"`), and
    /// normalises it to upper case without spaces (`QQ123456C`).
    ///
    /// Only the ASCII space is ignored; any other character that is not part of the number
    /// (tabs, hyphens, non-ASCII letters) makes the text invalid.
    ///
    /// # Errors
    /// [`NinoError::Length`], [`NinoError::Prefix`], [`NinoError::Digits`] or
    /// [`NinoError::Suffix`], checked in that order.
    pub fn parse(text: &str) -> Result<Nino, NinoError> {
        // Normalise into a fixed buffer first, so a refused text costs no allocation.
        let mut normalised = [0u8; NINO_LEN];
        let mut len = 0;
        for byte in text.bytes().filter(|byte| *byte != b' ') {
            if len == NINO_LEN {
                return Err(NinoError::Length);
            }
            normalised[len] = byte.to_ascii_uppercase();
            len += 1;
        }
        if len != NINO_LEN {
            return Err(NinoError::Length);
        }
        let [first, second, digits @ .., suffix] = normalised;
        if !prefix_is_allowed(first, second) {
            return Err(NinoError::Prefix);
        }
        if !digits.iter().all(u8::is_ascii_digit) {
            return Err(NinoError::Digits);
        }
        if !matches!(suffix, b'A'..=b'D') {
            return Err(NinoError::Suffix);
        }
        // Every byte has been checked to be ASCII, so this is a plain byte-to-char copy.
        Ok(Nino(normalised.iter().copied().map(char::from).collect()))
    }

    /// The normalised number, e.g. `QQ123456C`.
    ///
    /// Only for computing the keyed hash that claims are matched on, at the edge. Never log
    /// it, put it in an event or error, or compare it outside that hash.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Whether this is a test number (prefix [`Nino::TEST_PREFIX`]) that is never issued.
    pub fn is_test(&self) -> bool {
        self.0.starts_with(Self::TEST_PREFIX)
    }
}

/// Whether two upper-case bytes form a prefix that HMRC issues, or the test prefix QQ.
fn prefix_is_allowed(first: u8, second: u8) -> bool {
    if [first, second] == *b"QQ" {
        return true;
    }
    first.is_ascii_uppercase()
        && second.is_ascii_uppercase()
        && !b"DFIQUV".contains(&first)
        && !b"DFIOQUV".contains(&second)
        && !PREFIXES_NEVER_ALLOCATED.contains(&[first, second])
}

impl fmt::Debug for Nino {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Nino(<redacted>)")
    }
}

impl fmt::Display for Nino {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted NINO>")
    }
}

impl FromStr for Nino {
    type Err = NinoError;

    fn from_str(text: &str) -> Result<Self, NinoError> {
        Nino::parse(text)
    }
}
