//! The daily Universal Credit notification file (REFERENCE §4, "UC-LCTR data share"), in
//! Precept's own CSV interchange format.
//!
//! What this is: a parser from the file's bytes to [`UcRecord`]s, which reports each bad line
//! by its line number and column and still returns every good line; a formatter that writes a
//! record back as a line; and the monthly-to-weekly conversion CTR needs, because UC
//! assessment periods are monthly and CTR income bands are weekly (REFERENCE §3.3).
//! What this is not: the DWP's own format. REFERENCE §8 lists the real field list and message
//! types as unconfirmed, so Precept defines its format from the fields §4 names and documents it
//! in docs/UC-FILE-FORMAT.md; an adapter converts the DWP's files into it. Nor is this the
//! importer: remembering which files and record ids were imported before, matching a NINO to a
//! claim (through a keyed hash) and deciding what a notification changes are the application
//! layer's jobs. This module does no I/O and keeps no state between calls.
//!
//! Errors never echo the value that was refused: a field may hold personal data.

use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use super::nino::Nino;
use crate::money::{Pence, Rounding, apportion};

/// The header line, without a line end. It must be the file's first non-blank line, exactly.
pub const HEADER: &str = "record_id,notification,nino,effective_date,assessment_period_start,\
assessment_period_end,earned_income,unearned_income,housing_element,partner,children,lcwra,carer,\
passported,uc_deductions";

/// The number of columns on every line.
pub const COLUMN_COUNT: usize = 15;

/// The column names in order, as in [`HEADER`]; [`LineError::field`] is one of these or `"line"`.
pub const COLUMNS: [&str; COLUMN_COUNT] = [
    "record_id",
    "notification",
    "nino",
    "effective_date",
    "assessment_period_start",
    "assessment_period_end",
    "earned_income",
    "unearned_income",
    "housing_element",
    "partner",
    "children",
    "lcwra",
    "carer",
    "passported",
    "uc_deductions",
];

/// The [`LineError::field`] for a problem with the line as a whole (its encoding, quoting or
/// number of fields) rather than with one column.
pub const WHOLE_LINE: &str = "line";

/// The longest record id accepted, in characters.
pub const RECORD_ID_LEN_MAX: usize = 40;

/// The largest amount accepted in a money column: £1,000,000.00 a month. No UC award comes
/// near it; the bound keeps arithmetic on imported amounts far from overflow.
pub const AMOUNT_MAX: Pence = Pence::new(100_000_000);

/// The most children a record may declare.
pub const CHILDREN_MAX: u8 = 20;

// Column positions, named so the parser reads like the format description.
const RECORD_ID: usize = 0;
const NOTIFICATION: usize = 1;
const NINO: usize = 2;
const EFFECTIVE_DATE: usize = 3;
const PERIOD_START: usize = 4;
const PERIOD_END: usize = 5;
const EARNED_INCOME: usize = 6;
const UNEARNED_INCOME: usize = 7;
const HOUSING_ELEMENT: usize = 8;
const PARTNER: usize = 9;
const CHILDREN: usize = 10;
const LCWRA: usize = 11;
const CARER: usize = 12;
const PASSPORTED: usize = 13;
const UC_DEDUCTIONS: usize = 14;

/// The UTF-8 byte order mark some Windows tools put at the start of a file; it is skipped.
const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// What a notification tells the council about a UC award.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UcNotificationKind {
    /// A new UC award (`new_award`).
    NewAward,
    /// A change to an existing award, usually a new assessment period's figures (`change`).
    Change,
    /// The award has ended (`termination`).
    Termination,
}

impl UcNotificationKind {
    /// Every kind, in file-code order.
    pub const ALL: [UcNotificationKind; 3] = [
        UcNotificationKind::NewAward,
        UcNotificationKind::Change,
        UcNotificationKind::Termination,
    ];

    /// The code used in the file's `notification` column (and in serde).
    pub fn code(self) -> &'static str {
        match self {
            UcNotificationKind::NewAward => "new_award",
            UcNotificationKind::Change => "change",
            UcNotificationKind::Termination => "termination",
        }
    }

    /// The kind for a file code; codes are lower case and matched exactly.
    pub fn parse(code: &str) -> Option<UcNotificationKind> {
        match code {
            "new_award" => Some(UcNotificationKind::NewAward),
            "change" => Some(UcNotificationKind::Change),
            "termination" => Some(UcNotificationKind::Termination),
            _ => None,
        }
    }
}

/// One notification line of a UC file, validated.
///
/// Money is per calendar month, as UC assesses it; use [`monthly_to_weekly`] for CTR bands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UcRecord {
    /// The 1-based line number in the file (the header is usually line 1), for messages.
    pub line: usize,
    /// The DWP's id for this notification: unique within a file, and the key an importer
    /// uses to skip notifications it has seen before.
    pub record_id: String,
    /// New award, change or termination.
    pub kind: UcNotificationKind,
    /// The claimant's National Insurance number (redacts itself in `Debug`).
    pub nino: Nino,
    /// The date from which the notification takes effect.
    pub effective_date: NaiveDate,
    /// The UC assessment period as (first day, last day), both **inclusive**, as the DWP
    /// states them; the last day is never before the first.
    pub assessment_period: (NaiveDate, NaiveDate),
    /// Earned income for the assessment period (monthly).
    pub earned_income: Pence,
    /// Unearned income for the assessment period (monthly).
    pub unearned_income: Pence,
    /// The UC housing element for the assessment period (monthly); most CTR schemes disregard it.
    pub housing_element: Pence,
    /// Whether the award is for a couple.
    pub partner: bool,
    /// The number of children on the award, 0 to [`CHILDREN_MAX`].
    pub children: u8,
    /// Whether the award includes the limited capability for work and work-related activity
    /// element.
    pub lcwra: bool,
    /// Whether the award includes the carer element.
    pub carer: bool,
    /// Whether the DWP marks the claimant as passported (maximum UC with no other income),
    /// which puts them in the top band of a banded scheme (REFERENCE §3.3).
    pub passported: bool,
    /// The total of UC deductions for the assessment period (monthly). The DWP has sent
    /// deductions since 26 October 2023 (REFERENCE §4); itemising them is out of scope.
    pub uc_deductions: Pence,
}

/// A data line that was rejected. The rest of the file is unaffected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, {field}: {reason}")]
pub struct LineError {
    /// The 1-based line number in the file.
    pub line: usize,
    /// The column at fault (one of [`COLUMNS`]), or [`WHOLE_LINE`] for a problem with the
    /// line as a whole.
    pub field: &'static str,
    /// Why, in words. It never echoes the refused value, which may be personal data.
    pub reason: String,
}

/// The result of parsing a file whose header is right: its good records and its bad lines.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParsedFile {
    /// The good lines, in file order.
    pub records: Vec<UcRecord>,
    /// The bad lines, in file order, one error per line (its first problem in column order).
    pub errors: Vec<LineError>,
    /// The data lines seen, not counting the header and blank lines; always
    /// `records.len() + errors.len()`.
    pub lines: usize,
}

/// Why a whole file was refused. Nothing in such a file is imported.
///
/// The messages never quote the header either, because a file without one starts with a data
/// line, which holds personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    /// The file has no non-blank line, so not even a header.
    #[error("file is empty: expected a header line")]
    Empty,
    /// The header line is not valid UTF-8. (Other lines that are not UTF-8 are rejected one
    /// by one as [`LineError`]s.)
    #[error("header line is not valid UTF-8")]
    HeaderNotUtf8,
    /// The header line has an unterminated quote or text after a closing quote.
    #[error("header line is not valid CSV")]
    HeaderNotCsv,
    /// The header's column at this 1-based position is not the expected name (or is missing,
    /// when the header is short).
    #[error("header column {column} should be {expected}")]
    HeaderColumn {
        /// The first 1-based position that differs.
        column: usize,
        /// The name expected there.
        expected: &'static str,
    },
    /// The header names every expected column and then more.
    #[error("header has {found} columns; expected {COLUMN_COUNT}")]
    HeaderTooManyColumns {
        /// How many columns the header has.
        found: usize,
    },
}

/// Parses a UC notification file in Precept's interchange format (docs/UC-FILE-FORMAT.md).
///
/// The first non-blank line must be [`HEADER`]. Each later non-blank line is a record or, if
/// anything about it is wrong, one [`LineError`] naming its line number and first bad column;
/// good lines are returned whatever their neighbours are like. Lines end in LF or CRLF; blank
/// lines (empty, or only spaces and tabs) are skipped; a leading UTF-8 byte order mark is
/// ignored. A line that is not UTF-8 is a line error, so a few corrupt bytes lose one line,
/// not the file. A record id that repeats one on an earlier line of the same file is a line
/// error, even if the earlier line was rejected for another reason: the file contradicts
/// itself, and the parser does not guess which line the DWP meant.
///
/// Any bytes at all may be given; the parser never panics.
///
/// # Errors
/// A [`FileError`] when the file as a whole cannot be read: [`FileError::Empty`],
/// [`FileError::HeaderNotUtf8`], [`FileError::HeaderNotCsv`], [`FileError::HeaderColumn`] or
/// [`FileError::HeaderTooManyColumns`].
pub fn parse_uc_file(bytes: &[u8]) -> Result<ParsedFile, FileError> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    let mut lines = bytes
        .split(|byte| *byte == b'\n')
        .enumerate()
        .map(|(index, line)| (index + 1, line.strip_suffix(b"\r").unwrap_or(line)))
        .filter(|(_, line)| !is_blank(line));

    let (_, header) = lines.next().ok_or(FileError::Empty)?;
    check_header(header)?;

    // A record line is typically 90 to 110 bytes; reserving for that avoids regrowing (and
    // copying) the vectors of a large file.
    let expected_records = bytes.len() / 96;
    let mut parsed = ParsedFile {
        records: Vec::with_capacity(expected_records),
        errors: Vec::new(),
        lines: 0,
    };
    // Record ids borrow from the input, so duplicate detection allocates only the table.
    let mut first_line_of_id: HashMap<&str, usize> = HashMap::with_capacity(expected_records);
    let mut fields = [""; COLUMN_COUNT];
    for (number, line) in lines {
        parsed.lines += 1;
        match parse_line(number, line, &mut fields, &mut first_line_of_id) {
            Ok(record) => parsed.records.push(record),
            Err(error) => parsed.errors.push(error),
        }
    }
    Ok(parsed)
}

/// Writes a record as one line of the file, without a line end.
///
/// Money is written as pounds with two decimals (`1234.50`), dates as `yyyy-mm-dd`, flags as
/// `Y`/`N` and the NINO in its normalised form; nothing needs quoting. Any record that
/// [`parse_uc_file`] returned parses back to itself (apart from `line`); a record built by hand
/// that breaks the file's rules (a negative amount, a record id with a comma) does not.
pub fn format_record(record: &UcRecord) -> String {
    let mut line = String::with_capacity(160);
    let (start, end) = record.assessment_period;
    line.push_str(&record.record_id);
    line.push(',');
    line.push_str(record.kind.code());
    line.push(',');
    line.push_str(record.nino.expose());
    for date in [record.effective_date, start, end] {
        line.push(',');
        write_date(&mut line, date);
    }
    for amount in [record.earned_income, record.unearned_income, record.housing_element] {
        line.push(',');
        write_amount(&mut line, amount);
    }
    line.push(',');
    line.push_str(flag(record.partner));
    line.push(',');
    write!(line, "{}", record.children).expect("writing to a String cannot fail");
    for value in [record.lcwra, record.carer, record.passported] {
        line.push(',');
        line.push_str(flag(value));
    }
    line.push(',');
    write_amount(&mut line, record.uc_deductions);
    line
}

/// Converts a calendar-monthly amount to a weekly one: × 12 ÷ 52, to the nearest penny with
/// halves rounded up.
///
/// UC assessment periods are monthly and CTR income bands are weekly (REFERENCE §3.3), so every
/// UC figure is converted before it is banded. × 12 ÷ 52 is the conversion HB and CTR rules
/// traditionally apply to calendar-monthly income; REFERENCE does not state one, so it is
/// Precept's documented choice (docs/UC-FILE-FORMAT.md), made here and nowhere else. Rounding
/// goes through [`apportion`], the one place money meets a proportion.
pub fn monthly_to_weekly(monthly: Pence) -> Pence {
    apportion(monthly, 12, 52, Rounding::HalfUp)
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|byte| *byte == b' ' || *byte == b'\t')
}

fn check_header(header: &[u8]) -> Result<(), FileError> {
    let header = std::str::from_utf8(header).map_err(|_| FileError::HeaderNotUtf8)?;
    let mut names = [""; COLUMN_COUNT];
    let found = split_fields(header, &mut names).map_err(|_| FileError::HeaderNotCsv)?;
    let compared = found.min(COLUMN_COUNT);
    if let Some(position) = (0..compared).find(|&position| names[position] != COLUMNS[position]) {
        return Err(FileError::HeaderColumn {
            column: position + 1,
            expected: COLUMNS[position],
        });
    }
    if found < COLUMN_COUNT {
        return Err(FileError::HeaderColumn {
            column: found + 1,
            expected: COLUMNS[found],
        });
    }
    if found > COLUMN_COUNT {
        return Err(FileError::HeaderTooManyColumns { found });
    }
    Ok(())
}

/// Why a line could not be split into fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SplitError {
    UnterminatedQuote,
    TextAfterQuote,
}

impl SplitError {
    fn reason(self) -> &'static str {
        match self {
            SplitError::UnterminatedQuote => "unterminated quote",
            SplitError::TextAfterQuote => "text after a closing quote",
        }
    }
}

/// Splits a line into comma-separated fields (an RFC 4180 subset), filling `fields` with the
/// first [`COLUMN_COUNT`] and returning how many there are in all.
///
/// A field that starts with `"` runs to the next `"` not doubled, and must be followed by a
/// comma or the end of the line. Its slice is what lies between the quotes with any `""`
/// **left doubled**, which saves unescaping. That is safe because no column accepts a `"`:
/// a field whose value holds one is refused whether it is seen escaped or not, and a field
/// without one is the same text either way. A `"` inside an unquoted field is kept as text
/// (and then refused by its column).
fn split_fields<'a>(line: &'a str, fields: &mut [&'a str; COLUMN_COUNT]) -> Result<usize, SplitError> {
    let bytes = line.as_bytes();
    let mut count = 0;
    let mut position = 0;
    loop {
        let (value, after) = if bytes.get(position) == Some(&b'"') {
            let open = position + 1;
            let mut search = open;
            let close = loop {
                let quote = bytes[search..]
                    .iter()
                    .position(|byte| *byte == b'"')
                    .map(|offset| search + offset)
                    .ok_or(SplitError::UnterminatedQuote)?;
                if bytes.get(quote + 1) == Some(&b'"') {
                    search = quote + 2;
                } else {
                    break quote;
                }
            };
            match bytes.get(close + 1) {
                None | Some(b',') => {}
                Some(_) => return Err(SplitError::TextAfterQuote),
            }
            // Slicing at ASCII bytes is always on a character boundary in UTF-8.
            (&line[open..close], close + 1)
        } else {
            let end = bytes[position..]
                .iter()
                .position(|byte| *byte == b',')
                .map_or(bytes.len(), |offset| position + offset);
            (&line[position..end], end)
        };
        if let Some(slot) = fields.get_mut(count) {
            *slot = value;
        }
        count += 1;
        if after >= bytes.len() {
            return Ok(count);
        }
        // `after` is at a comma: the next field starts past it (and may be empty).
        position = after + 1;
    }
}

fn parse_line<'a>(
    line: usize,
    raw: &'a [u8],
    fields: &mut [&'a str; COLUMN_COUNT],
    first_line_of_id: &mut HashMap<&'a str, usize>,
) -> Result<UcRecord, LineError> {
    let whole_line = |reason: &str| LineError {
        line,
        field: WHOLE_LINE,
        reason: reason.to_owned(),
    };
    let text = std::str::from_utf8(raw).map_err(|_| whole_line("not valid UTF-8"))?;
    let found = split_fields(text, fields).map_err(|error| whole_line(error.reason()))?;
    if found != COLUMN_COUNT {
        return Err(LineError {
            line,
            field: WHOLE_LINE,
            reason: format!("has {found} fields; expected {COLUMN_COUNT}"),
        });
    }
    let fields = &*fields;
    let column = Column { line, fields };

    let record_id = column.get(RECORD_ID)?;
    if record_id.len() > RECORD_ID_LEN_MAX
        || !record_id
            .bytes()
            .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_')
    {
        return Err(column.error(RECORD_ID, "must be 1-40 characters of A-Z, a-z, 0-9, '-' and '_'"));
    }
    match first_line_of_id.entry(record_id) {
        Entry::Occupied(first) => {
            return Err(LineError {
                line,
                field: COLUMNS[RECORD_ID],
                reason: format!("duplicate record_id (first on line {})", first.get()),
            });
        }
        Entry::Vacant(slot) => {
            slot.insert(line);
        }
    }

    let kind = UcNotificationKind::parse(column.get(NOTIFICATION)?)
        .ok_or_else(|| column.error(NOTIFICATION, "must be new_award, change or termination"))?;
    let nino = Nino::parse(column.get(NINO)?).map_err(|error| column.error(NINO, &error.to_string()))?;
    let effective_date = column.date(EFFECTIVE_DATE)?;
    let start = column.date(PERIOD_START)?;
    let end = column.date(PERIOD_END)?;
    if end < start {
        return Err(column.error(PERIOD_END, "is before assessment_period_start"));
    }
    Ok(UcRecord {
        line,
        record_id: record_id.to_owned(),
        kind,
        nino,
        effective_date,
        assessment_period: (start, end),
        earned_income: column.amount(EARNED_INCOME)?,
        unearned_income: column.amount(UNEARNED_INCOME)?,
        housing_element: column.amount(HOUSING_ELEMENT)?,
        partner: column.flag(PARTNER)?,
        children: column.children(CHILDREN)?,
        lcwra: column.flag(LCWRA)?,
        carer: column.flag(CARER)?,
        passported: column.flag(PASSPORTED)?,
        uc_deductions: column.amount(UC_DEDUCTIONS)?,
    })
}

/// The fields of one line, with the line number their errors carry.
struct Column<'a, 'f> {
    line: usize,
    fields: &'f [&'a str; COLUMN_COUNT],
}

impl<'a> Column<'a, '_> {
    fn error(&self, column: usize, reason: &str) -> LineError {
        LineError {
            line: self.line,
            field: COLUMNS[column],
            reason: reason.to_owned(),
        }
    }

    /// The field's text, which every column requires.
    fn get(&self, column: usize) -> Result<&'a str, LineError> {
        match self.fields[column] {
            "" => Err(self.error(column, "is missing")),
            value => Ok(value),
        }
    }

    fn date(&self, column: usize) -> Result<NaiveDate, LineError> {
        parse_date(self.get(column)?).map_err(|reason| self.error(column, reason))
    }

    fn amount(&self, column: usize) -> Result<Pence, LineError> {
        parse_amount(self.get(column)?).map_err(|reason| self.error(column, reason))
    }

    fn flag(&self, column: usize) -> Result<bool, LineError> {
        match self.get(column)? {
            "Y" => Ok(true),
            "N" => Ok(false),
            _ => Err(self.error(column, "must be Y or N")),
        }
    }

    fn children(&self, column: usize) -> Result<u8, LineError> {
        let text = self.get(column)?;
        let out_of_range = || self.error(column, "must be a whole number from 0 to 20");
        // At most two digits, so the value fits in a u8 before it is range-checked.
        if text.len() > 2 {
            return Err(out_of_range());
        }
        let value = digits_value(text.as_bytes()).ok_or_else(out_of_range)?;
        u8::try_from(value)
            .ok()
            .filter(|children| *children <= CHILDREN_MAX)
            .ok_or_else(out_of_range)
    }
}

/// The value of a run of ASCII digits, or `None` if any byte is not one. Callers bound the
/// length (at most four digits here), so the sum cannot overflow.
fn digits_value(digits: &[u8]) -> Option<u32> {
    digits.iter().try_fold(0u32, |value, byte| {
        byte.is_ascii_digit().then(|| value * 10 + u32::from(byte - b'0'))
    })
}

/// Parses a strict ISO date `yyyy-mm-dd`. Hand-written rather than chrono's format parser,
/// which would also accept unpadded numbers, so that each date has exactly one spelling.
fn parse_date(text: &str) -> Result<NaiveDate, &'static str> {
    const FORMAT: &str = "must be a date written yyyy-mm-dd";
    let bytes = text.as_bytes();
    if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
        return Err(FORMAT);
    }
    let (Some(year), Some(month), Some(day)) = (
        digits_value(&bytes[0..4]),
        digits_value(&bytes[5..7]),
        digits_value(&bytes[8..10]),
    ) else {
        return Err(FORMAT);
    };
    let year = i32::try_from(year).map_err(|_| FORMAT)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or("is not a real calendar date")
}

/// Parses a non-negative amount of pounds with optional pence (`1234`, `1234.5`, `1234.56`)
/// up to [`AMOUNT_MAX`], exactly, with no float in between.
///
/// `Pence`'s own `FromStr` is not used: it accepts negative amounts and a bare trailing point
/// (`1234.`), and has no upper bound.
fn parse_amount(text: &str) -> Result<Pence, &'static str> {
    match text.strip_prefix('-') {
        // Say "negative" only for something that would otherwise have been an amount.
        Some(unsigned) => match parse_unsigned_amount(unsigned) {
            Err(AMOUNT_MALFORMED) => Err(AMOUNT_MALFORMED),
            _ => Err("must not be negative"),
        },
        None => parse_unsigned_amount(text),
    }
}

const AMOUNT_MALFORMED: &str = "must be pounds with optional pence, such as 1234 or 1234.56";

fn parse_unsigned_amount(text: &str) -> Result<Pence, &'static str> {
    const TOO_LARGE: &str = "must be at most 1000000.00";
    let (pounds, pence) = match text.split_once('.') {
        Some((pounds, pence)) => (pounds.as_bytes(), Some(pence.as_bytes())),
        None => (text.as_bytes(), None),
    };
    if pounds.is_empty() || !pounds.iter().all(u8::is_ascii_digit) {
        return Err(AMOUNT_MALFORMED);
    }
    let pence_value = match pence {
        None => 0,
        Some([tenths]) if tenths.is_ascii_digit() => i64::from(tenths - b'0') * 10,
        Some([tenths, units]) if tenths.is_ascii_digit() && units.is_ascii_digit() => {
            i64::from(tenths - b'0') * 10 + i64::from(units - b'0')
        }
        // A bare point (`1234.`), three or more decimals, or a second point.
        Some(_) => return Err(AMOUNT_MALFORMED),
    };
    // Stop as soon as the pounds pass the maximum, so any number of digits is safe.
    let max_pounds = AMOUNT_MAX.get() / 100;
    let mut pounds_value: i64 = 0;
    for digit in pounds {
        pounds_value = pounds_value * 10 + i64::from(digit - b'0');
        if pounds_value > max_pounds {
            return Err(TOO_LARGE);
        }
    }
    let total = Pence::new(pounds_value * 100 + pence_value);
    if total > AMOUNT_MAX {
        return Err(TOO_LARGE);
    }
    Ok(total)
}

fn flag(value: bool) -> &'static str {
    if value { "Y" } else { "N" }
}

/// Writes `yyyy-mm-dd`, the one spelling [`parse_date`] accepts.
fn write_date(out: &mut String, date: NaiveDate) {
    write!(out, "{:04}-{:02}-{:02}", date.year(), date.month(), date.day()).expect("writing to a String cannot fail");
}

/// Writes pounds and two-digit pence (`1234.50`), with a `-` for a negative amount.
fn write_amount(out: &mut String, amount: Pence) {
    let sign = if amount.get() < 0 { "-" } else { "" };
    let magnitude = amount.get().unsigned_abs();
    write!(out, "{sign}{}.{:02}", magnitude / 100, magnitude % 100).expect("writing to a String cannot fail");
}
