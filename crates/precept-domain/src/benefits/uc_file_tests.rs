//! Tests for the UC notification file (`uc_file`) and National Insurance numbers (`nino`).
//!
//! Every NINO in a fixed example uses the never-issued prefix QQ, so no test holds a number
//! that could be a real person's. The prefix-rule tests and the generated records use other
//! prefixes because the rules are what they test; those numbers are not about anyone.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::nino::{Nino, NinoError};
use super::uc_file::*;
use crate::money::{Pence, gbp};

fn date(text: &str) -> NaiveDate {
    text.parse().expect("fixture date is yyyy-mm-dd")
}

fn nino(text: &str) -> Nino {
    Nino::parse(text).expect("fixture NINO is valid")
}

/// A file of the header and the given lines, LF line ends and a final newline.
fn file(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from(HEADER);
    for line in lines {
        text.push('\n');
        text.push_str(line);
    }
    text.push('\n');
    text.into_bytes()
}

#[track_caller]
fn parse_ok(bytes: &[u8]) -> ParsedFile {
    parse_uc_file(bytes).expect("the header is right")
}

/// The (line, field) of each error: reasons are prose and checked separately.
fn error_positions(parsed: &ParsedFile) -> Vec<(usize, &'static str)> {
    parsed.errors.iter().map(|error| (error.line, error.field)).collect()
}

// ---------------------------------------------------------------------------------------------
// Good files

#[test]
fn the_header_constant_lists_the_columns_in_order() {
    assert_eq!(HEADER, COLUMNS.join(","));
    assert_eq!(COLUMNS.len(), COLUMN_COUNT);
}

#[test]
fn a_good_file_parses_to_the_expected_records() {
    let bytes = "\u{feff}record_id,notification,nino,effective_date,assessment_period_start,\
assessment_period_end,earned_income,unearned_income,housing_element,partner,children,lcwra,carer,\
passported,uc_deductions\n\
R-1,new_award,QQ123456C,2025-04-01,2025-03-15,2025-04-14,1234.56,0,400.00,Y,2,N,N,N,55.5\n\
\n   \t\n\
r_2,\"change\",\"qq 65 43 21 a\",2025-05-01,2025-04-15,2025-05-14,0.5,120,0,N,0,Y,Y,N,0.00\r\n\
T3,termination,QQ000001D,2025-06-01,2025-05-15,2025-05-15,0,0,0,N,20,N,N,Y,1000000";
    let parsed = parse_ok(bytes.as_bytes());
    assert_eq!(parsed.errors, vec![]);
    assert_eq!(parsed.lines, 3);
    assert_eq!(
        parsed.records,
        vec![
            UcRecord {
                line: 2,
                record_id: "R-1".to_owned(),
                kind: UcNotificationKind::NewAward,
                nino: nino("QQ123456C"),
                effective_date: date("2025-04-01"),
                assessment_period: (date("2025-03-15"), date("2025-04-14")),
                earned_income: gbp("1234.56"),
                unearned_income: Pence::ZERO,
                housing_element: gbp("400"),
                partner: true,
                children: 2,
                lcwra: false,
                carer: false,
                passported: false,
                uc_deductions: gbp("55.50"),
            },
            UcRecord {
                line: 5,
                record_id: "r_2".to_owned(),
                kind: UcNotificationKind::Change,
                nino: nino("QQ654321A"),
                effective_date: date("2025-05-01"),
                assessment_period: (date("2025-04-15"), date("2025-05-14")),
                earned_income: Pence::new(50),
                unearned_income: gbp("120"),
                housing_element: Pence::ZERO,
                partner: false,
                children: 0,
                lcwra: true,
                carer: true,
                passported: false,
                uc_deductions: Pence::ZERO,
            },
            UcRecord {
                line: 6,
                record_id: "T3".to_owned(),
                kind: UcNotificationKind::Termination,
                nino: nino("QQ000001D"),
                effective_date: date("2025-06-01"),
                assessment_period: (date("2025-05-15"), date("2025-05-15")),
                earned_income: Pence::ZERO,
                unearned_income: Pence::ZERO,
                housing_element: Pence::ZERO,
                partner: false,
                children: 20,
                lcwra: false,
                carer: false,
                passported: true,
                uc_deductions: AMOUNT_MAX,
            },
        ]
    );
}

#[test]
fn a_header_with_no_data_lines_is_a_file_with_no_records() {
    for bytes in [
        HEADER.as_bytes().to_vec(),
        file(&[]),
        file(&["", "  "]),
        format!("\n\n{HEADER}\r\n").into_bytes(),
    ] {
        assert_eq!(parse_ok(&bytes), ParsedFile::default());
    }
}

#[test]
fn a_record_formats_as_the_documented_line_and_parses_back() {
    let line = "R-1,new_award,QQ123456C,2025-04-01,2025-03-15,2025-04-14,1234.56,0,400.00,Y,2,N,N,N,55.5";
    let record = parse_ok(&file(&[line])).records.remove(0);
    let formatted = format_record(&record);
    assert_eq!(
        formatted,
        "R-1,new_award,QQ123456C,2025-04-01,2025-03-15,2025-04-14,1234.56,0.00,400.00,Y,2,N,N,N,55.50"
    );
    assert_eq!(parse_ok(&file(&[&formatted])).records, vec![record]);
}

#[test]
fn notification_codes_round_trip_and_are_the_serde_names() {
    use serde::Deserialize;
    use serde::de::IntoDeserializer;
    use serde::de::value::{Error, StrDeserializer};
    for kind in UcNotificationKind::ALL {
        assert_eq!(UcNotificationKind::parse(kind.code()), Some(kind));
        // Deserialising the code proves serde's name for the kind is the file code.
        let deserializer: StrDeserializer<'_, Error> = kind.code().into_deserializer();
        assert_eq!(UcNotificationKind::deserialize(deserializer), Ok(kind));
    }
    assert_eq!(UcNotificationKind::parse("Change"), None);
}

#[test]
fn monthly_amounts_become_weekly_by_twelve_over_fifty_two() {
    // £1,000 × 12 ÷ 52 = £230.769… → £230.77; £433.33 × 12 ÷ 52 = £99.9992… → £100.00.
    assert_eq!(monthly_to_weekly(gbp("1000")), gbp("230.77"));
    assert_eq!(monthly_to_weekly(gbp("433.33")), gbp("100.00"));
    assert_eq!(monthly_to_weekly(Pence::ZERO), Pence::ZERO);
    assert_eq!(monthly_to_weekly(AMOUNT_MAX), gbp("230769.23"));
}

// ---------------------------------------------------------------------------------------------
// Bad lines

const GOOD_BEFORE: &str = "G1,new_award,QQ123456C,2025-04-01,2025-03-15,2025-04-14,1234.56,0,400.00,Y,2,N,N,N,55.5";
const GOOD_AFTER: &str = "G2,change,QQ654321A,2025-05-01,2025-04-15,2025-05-14,0,0,0,N,0,N,N,Y,0";
const BAD_BASE: &str = "B1,change,QQ111111B,2025-05-01,2025-04-15,2025-05-14,10.00,0,0,N,1,N,N,N,0";

/// `BAD_BASE` with one column's text replaced.
fn with_column(column: &str, value: &str) -> String {
    let position = COLUMNS.iter().position(|name| *name == column).expect("a real column");
    let mut fields: Vec<&str> = BAD_BASE.split(',').collect();
    fields[position] = value;
    fields.join(",")
}

/// Each kind of bad line: (what is wrong, the line, the field reported, the refused text that
/// must not appear in the reason).
fn bad_lines() -> Vec<(&'static str, String, &'static str, &'static str)> {
    let mut cases = vec![];
    let mut column = |what, column: &'static str, value: &'static str, field| {
        cases.push((what, with_column(column, value), field, value));
    };
    column("nino prefix never issued", "nino", "DQ123456C", "nino");
    column("nino prefix with O second", "nino", "QO123456C", "nino");
    column("nino suffix not A-D", "nino", "QQ123456E", "nino");
    column("nino too short", "nino", "QQ12345C", "nino");
    column("nino missing", "nino", "", "nino");
    column("impossible date", "effective_date", "2025-02-30", "effective_date");
    column("date not ISO", "effective_date", "01/05/2025", "effective_date");
    column(
        "date unpadded",
        "assessment_period_start",
        "2025-4-15",
        "assessment_period_start",
    );
    column(
        "period ends before it starts",
        "assessment_period_end",
        "2025-04-14",
        "assessment_period_end",
    );
    column("negative money", "earned_income", "-10.00", "earned_income");
    column("three decimals", "unearned_income", "1.234", "unearned_income");
    column("bare point", "housing_element", "12.", "housing_element");
    column("pound sign", "earned_income", "£12", "earned_income");
    column("over the maximum", "uc_deductions", "1000000.01", "uc_deductions");
    column("unknown notification", "notification", "renewal", "notification");
    column("notification in capitals", "notification", "CHANGE", "notification");
    column("flag in lower case", "partner", "y", "partner");
    column("flag spelt out", "carer", "yes", "carer");
    column("flag missing", "lcwra", "", "lcwra");
    column("children out of range", "children", "21", "children");
    column("children negative", "children", "-1", "children");
    column("children not a number", "children", "two", "children");
    column("duplicate record id", "record_id", "G1", "record_id");
    column("record id with a space", "record_id", "B 1", "record_id");
    column(
        "record id too long",
        "record_id",
        "B12345678901234567890123456789012345678901",
        "record_id",
    );
    column("record id with escaped quote", "record_id", "\"B\"\"1\"", "record_id");
    column("empty quoted field", "passported", "\"\"", "passported");
    let whole = [
        (
            "fourteen fields",
            BAD_BASE.rsplit_once(',').expect("has commas").0.to_owned(),
            "line",
            "",
        ),
        ("sixteen fields", format!("{BAD_BASE},0"), "line", ""),
        (
            "unterminated quote",
            BAD_BASE.replacen("change", "\"change", 1),
            "line",
            "",
        ),
        (
            "text after a closing quote",
            BAD_BASE.replacen("change", "\"change\"x", 1),
            "line",
            "",
        ),
        ("a single field", "hello".to_owned(), "line", ""),
        (
            "a quoted comma makes money malformed",
            with_column("housing_element", "\"1,234.00\""),
            "housing_element",
            "",
        ),
    ];
    cases.extend(whole);
    cases
}

#[test]
fn each_kind_of_bad_line_is_reported_by_line_and_field_and_good_lines_still_parse() {
    for (what, bad, field, refused) in bad_lines() {
        let parsed = parse_ok(&file(&[GOOD_BEFORE, &bad, GOOD_AFTER]));
        assert_eq!(error_positions(&parsed), vec![(3, field)], "{what}");
        let good_lines: Vec<usize> = parsed.records.iter().map(|record| record.line).collect();
        assert_eq!(good_lines, vec![2, 4], "{what}");
        assert_eq!(parsed.lines, 3, "{what}");
        if refused.len() >= 3 {
            assert!(
                !parsed.errors[0].reason.contains(refused),
                "{what}: reason echoes the value"
            );
        }
    }
}

#[test]
fn bad_lines_throughout_a_file_keep_their_own_line_numbers() {
    let cases = bad_lines();
    let mut lines = vec![GOOD_BEFORE.to_owned(), GOOD_AFTER.to_owned()];
    let mut expected = vec![];
    for (index, (_, bad, field, _)) in cases.iter().enumerate() {
        // The header is line 1 and the two good lines are 2 and 3; each bad line is followed by
        // a blank one, so bad line `index` sits on line 4 + 2 × index. Each gets its own record
        // id, or every line after the first would be a duplicate.
        lines.push(match bad.strip_prefix("B1,") {
            Some(rest) => format!("B1x{index},{rest}"),
            None => bad.clone(),
        });
        lines.push(String::new());
        expected.push((4 + 2 * index, *field));
    }
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let parsed = parse_ok(&file(&refs));
    assert_eq!(error_positions(&parsed), expected);
    assert_eq!(parsed.records.len(), 2);
    assert_eq!(parsed.lines, 2 + cases.len());
}

#[test]
fn a_duplicate_record_id_names_the_line_it_first_appeared_on() {
    let parsed = parse_ok(&file(&[GOOD_BEFORE, GOOD_AFTER, GOOD_BEFORE]));
    assert_eq!(parsed.errors[0].reason, "duplicate record_id (first on line 2)");
}

#[test]
fn a_record_id_is_taken_by_its_first_line_even_when_that_line_is_rejected() {
    let rejected = GOOD_BEFORE.replace("QQ123456C", "QQ123456");
    let parsed = parse_ok(&file(&[&rejected, GOOD_BEFORE]));
    assert_eq!(error_positions(&parsed), vec![(2, "nino"), (3, "record_id")]);
    assert_eq!(parsed.records, vec![]);
}

#[test]
fn a_line_that_is_not_utf8_is_rejected_alone() {
    let mut bytes = file(&[GOOD_BEFORE]);
    bytes.extend_from_slice(b"G9,change,QQ\xff\xfe3456C\n");
    bytes.extend_from_slice(GOOD_AFTER.as_bytes());
    let parsed = parse_ok(&bytes);
    assert_eq!(error_positions(&parsed), vec![(3, "line")]);
    assert_eq!(parsed.errors[0].reason, "not valid UTF-8");
    assert_eq!(parsed.records.len(), 2);
}

#[test]
fn a_refused_nino_is_not_echoed_in_the_error() {
    let parsed = parse_ok(&file(&[&with_column("nino", "QQ123456Z")]));
    let shown = format!("{} {:?}", parsed.errors[0], parsed.errors[0]);
    assert!(!shown.contains("123456"), "{shown}");
}

#[test]
fn the_example_in_the_format_document_parses_as_documented() {
    // docs/UC-FILE-FORMAT.md, "Examples": keep the two in step.
    let parsed = parse_ok(&file(&[
        "UC-0001,new_award,QQ123456C,2025-04-01,2025-03-15,2025-04-14,1234.56,0,400.00,Y,2,N,N,N,55.50",
        "UC-0002,change,qq 65 43 21 a,2025-05-01,2025-04-15,2025-05-14,0.5,120,0,N,0,Y,Y,N,0",
        "UC-0003,termination,QQ000001D,2025-06-01,2025-05-15,2025-05-31,0,0,0,N,0,N,N,Y,0",
        "UC-0004,change,QQ123456E,2025-05-01,2025-04-15,2025-05-14,0,0,0,N,0,N,N,N,0",
        "UC-0005,change,QQ111111B,2025-05-01,2025-04-15,2025-04-14,0,0,0,N,0,N,N,N,0",
        "UC-0006,change,QQ222222A,2025-05-01,2025-04-15,2025-05-14,-10.00,0,0,N,0,N,N,N,0",
        "UC-0001,change,QQ333333B,2025-05-01,2025-04-15,2025-05-14,0,0,0,N,0,N,N,N,0",
        "UC-0007,change,QQ444444C,2025-05-01",
    ]));
    let ids: Vec<&str> = parsed.records.iter().map(|record| record.record_id.as_str()).collect();
    assert_eq!(ids, ["UC-0001", "UC-0002", "UC-0003"]);
    assert_eq!(parsed.records[1].nino, nino("QQ654321A"));
    let errors: Vec<(usize, &str, &str)> = parsed
        .errors
        .iter()
        .map(|error| (error.line, error.field, error.reason.as_str()))
        .collect();
    assert_eq!(
        errors,
        [
            (5, "nino", "National Insurance number suffix must be A, B, C or D"),
            (6, "assessment_period_end", "is before assessment_period_start"),
            (7, "earned_income", "must not be negative"),
            (8, "record_id", "duplicate record_id (first on line 2)"),
            (9, "line", "has 4 fields; expected 15"),
        ]
    );
}

// ---------------------------------------------------------------------------------------------
// Bad files

#[test]
fn a_file_without_a_right_header_is_refused_with_the_position_that_differs() {
    let header_with = |position: usize, name: &str| {
        let mut names = COLUMNS.to_vec();
        names[position] = name;
        names.join(",")
    };
    let cases: Vec<(Vec<u8>, FileError)> = vec![
        (vec![], FileError::Empty),
        (b"\n \r\n\t\n".to_vec(), FileError::Empty),
        (b"\xff\xfe,record_id\n".to_vec(), FileError::HeaderNotUtf8),
        (b"\"record_id,notification\n".to_vec(), FileError::HeaderNotCsv),
        (
            header_with(2, "ni_number").into_bytes(),
            FileError::HeaderColumn {
                column: 3,
                expected: "nino",
            },
        ),
        (
            header_with(0, "Record_Id").into_bytes(),
            FileError::HeaderColumn {
                column: 1,
                expected: "record_id",
            },
        ),
        (
            COLUMNS[..14].join(",").into_bytes(),
            FileError::HeaderColumn {
                column: 15,
                expected: "uc_deductions",
            },
        ),
        (
            format!("{HEADER},extra").into_bytes(),
            FileError::HeaderTooManyColumns { found: 16 },
        ),
        // A file whose header is missing starts with a data line, which is refused as a header.
        (
            GOOD_BEFORE.as_bytes().to_vec(),
            FileError::HeaderColumn {
                column: 1,
                expected: "record_id",
            },
        ),
    ];
    for (bytes, expected) in cases {
        assert_eq!(parse_uc_file(&bytes), Err(expected.clone()), "{expected}");
    }
}

#[test]
fn a_header_error_does_not_quote_the_line() {
    let error = parse_uc_file(GOOD_BEFORE.as_bytes()).expect_err("no header");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains("QQ123456C") && !shown.contains("G1"), "{shown}");
}

// ---------------------------------------------------------------------------------------------
// National Insurance numbers

#[test]
fn a_nino_is_normalised_to_upper_case_without_spaces() {
    for text in [
        "QQ123456C",
        "qq123456c",
        "qq 12 34 56 c",
        " Qq 123 456 C ",
        "QQ1234 56C",
    ] {
        assert_eq!(
            Nino::parse(text).map(|n| n.expose().to_owned()),
            Ok("QQ123456C".to_owned()),
            "{text:?}"
        );
    }
    assert_eq!(nino("qq 12 34 56 c"), nino("QQ123456C"));
    assert!(nino("QQ123456C").is_test());
    assert!(!nino("AB123456C").is_test());
}

#[test]
fn nino_prefixes_follow_the_published_rules_except_for_the_test_prefix() {
    for prefix in ["AB", "OA", "CE", "ZY", "YZ", "QQ", "AZ", "NA", "TA", "GA"] {
        assert!(
            Nino::parse(&format!("{prefix}123456A")).is_ok(),
            "{prefix} should be accepted"
        );
    }
    let refused = [
        "DA", "FA", "IA", "QA", "UA", "VA", // first letter never D, F, I, Q, U, V
        "AD", "AF", "AI", "AO", "AQ", "AU", "AV", // second letter never D, F, I, O, Q, U, V
        "BG", "GB", "KN", "NK", "NT", "TN", "ZZ", // never allocated
        "QB", "BQ", "1A", "A1", "ÅA",
    ];
    for prefix in refused {
        let error = Nino::parse(&format!("{prefix}123456A")).expect_err(prefix);
        let expected = if prefix == "ÅA" {
            NinoError::Length
        } else {
            NinoError::Prefix
        };
        assert_eq!(error, expected, "{prefix}");
    }
}

#[test]
fn nino_digits_suffix_and_length_are_checked() {
    let cases = [
        ("QQ123456", NinoError::Length),
        ("QQ123456CC", NinoError::Length),
        ("", NinoError::Length),
        ("   ", NinoError::Length),
        ("QQ-123456C", NinoError::Length),
        ("QQ12345XC", NinoError::Digits),
        ("QQ１23456C", NinoError::Length),
        ("QQ123456E", NinoError::Suffix),
        ("QQ123456Z", NinoError::Suffix),
        ("QQ1234567", NinoError::Suffix),
        ("QQ\t123456C", NinoError::Length),
    ];
    for (text, expected) in cases {
        assert_eq!(Nino::parse(text), Err(expected), "{text:?}");
    }
    for suffix in ["A", "B", "C", "D", "a", "d"] {
        assert!(Nino::parse(&format!("QQ123456{suffix}")).is_ok(), "{suffix}");
    }
}

// ---------------------------------------------------------------------------------------------
// Properties

/// A prefix that the published rules allow, decided independently of the parser.
fn issued_prefix(first: char, second: char) -> bool {
    let never_allocated = ["BG", "GB", "KN", "NK", "NT", "TN", "ZZ"];
    !"DFIQUV".contains(first)
        && !"DFIOQUV".contains(second)
        && !never_allocated.contains(&format!("{first}{second}").as_str())
}

fn nino_text_strategy() -> impl Strategy<Value = String> {
    let prefix = prop_oneof![
        1 => Just("QQ".to_owned()),
        4 => (prop::char::range('A', 'Z'), prop::char::range('A', 'Z'))
            .prop_filter("a prefix that is issued", |(first, second)| issued_prefix(*first, *second))
            .prop_map(|(first, second)| format!("{first}{second}")),
    ];
    (prefix, "[0-9]{6}", "[A-D]").prop_map(|(prefix, digits, suffix)| format!("{prefix}{digits}{suffix}"))
}

fn nino_strategy() -> impl Strategy<Value = Nino> {
    nino_text_strategy().prop_map(|text| Nino::parse(&text).expect("built to the published rules"))
}

fn date_strategy() -> impl Strategy<Value = NaiveDate> {
    // About 1917 to 2081: four-digit years either side of UC's lifetime.
    (700_000i32..760_000).prop_map(|day| NaiveDate::from_num_days_from_ce_opt(day).expect("in chrono's range"))
}

fn amount_strategy() -> impl Strategy<Value = Pence> {
    prop_oneof![Just(0), Just(AMOUNT_MAX.get()), 0..=AMOUNT_MAX.get()].prop_map(Pence::new)
}

fn record_strategy() -> impl Strategy<Value = UcRecord> {
    let identity = (
        "[A-Za-z0-9_-]{1,40}",
        prop::sample::select(UcNotificationKind::ALL.to_vec()),
        nino_strategy(),
        date_strategy(),
        date_strategy(),
        0u64..62,
    );
    let money = (
        amount_strategy(),
        amount_strategy(),
        amount_strategy(),
        amount_strategy(),
    );
    let household = (
        any::<bool>(),
        0..=CHILDREN_MAX,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    (identity, money, household).prop_map(
        |(
            (record_id, kind, nino, effective_date, start, length_days),
            (earned_income, unearned_income, housing_element, uc_deductions),
            (partner, children, lcwra, carer, passported),
        )| UcRecord {
            line: 0,
            record_id,
            kind,
            nino,
            effective_date,
            assessment_period: (
                start,
                start
                    .checked_add_days(chrono::Days::new(length_days))
                    .expect("far from chrono's limit"),
            ),
            earned_income,
            unearned_income,
            housing_element,
            partner,
            children,
            lcwra,
            carer,
            passported,
            uc_deductions,
        },
    )
}

/// A line that must be refused, or a blank line that must be skipped.
#[derive(Debug, Clone)]
enum Garbage {
    /// Text without commas: one field instead of fifteen.
    NoCommas(String),
    /// Bytes that are not UTF-8.
    NotUtf8(Vec<u8>),
    /// A valid record's line broken in one of the ways [`corrupt`] knows.
    Corrupted(UcRecord, usize),
    /// Spaces and tabs only: skipped, not an error.
    Blank(String),
}

/// The ways [`corrupt`] breaks a line.
const CORRUPTIONS: usize = 9;

/// Breaks a formatted line; returns the line and the field its error names.
fn corrupt(line: &str, corruption: usize) -> (String, &'static str) {
    let mut fields: Vec<String> = line.split(',').map(str::to_owned).collect();
    let field = match corruption {
        0 => {
            fields[2] = "QQ12345".to_owned();
            "nino"
        }
        1 => {
            fields[3] = "2025-13-01".to_owned();
            "effective_date"
        }
        2 => {
            fields[6] = "-5.00".to_owned();
            "earned_income"
        }
        3 => {
            fields[10] = "21".to_owned();
            "children"
        }
        4 => {
            fields[9] = "maybe".to_owned();
            "partner"
        }
        5 => {
            fields[1] = "renewal".to_owned();
            "notification"
        }
        6 => {
            fields[4] = "2025-05-02".to_owned();
            fields[5] = "2025-05-01".to_owned();
            "assessment_period_end"
        }
        7 => {
            fields.push("extra".to_owned());
            "line"
        }
        _ => {
            fields[0].insert(0, '"');
            "line"
        }
    };
    (fields.join(","), field)
}

fn garbage_strategy() -> impl Strategy<Value = Garbage> {
    prop_oneof![
        "[a-zA-Z0-9 ;:.]{0,30}[a-z]".prop_map(Garbage::NoCommas),
        prop::collection::vec(any::<u8>(), 0..20).prop_map(|mut bytes| {
            // Keep it on one line; a leading 0xFF is never valid UTF-8.
            for byte in &mut bytes {
                if *byte == b'\n' || *byte == b'\r' {
                    *byte = b'x';
                }
            }
            bytes.insert(0, 0xff);
            Garbage::NotUtf8(bytes)
        }),
        (record_strategy(), 0..CORRUPTIONS).prop_map(|(record, corruption)| Garbage::Corrupted(record, corruption)),
        "[ \t]{0,5}".prop_map(Garbage::Blank),
    ]
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        if let Ok(parsed) = parse_uc_file(&bytes) {
            prop_assert_eq!(parsed.lines, parsed.records.len() + parsed.errors.len());
        }
    }

    #[test]
    fn arbitrary_bytes_after_a_good_header_never_panic(
        tail in prop::collection::vec(prop_oneof![any::<u8>(), Just(b','), Just(b'"'), Just(b'\n')], 0..2048),
    ) {
        let mut bytes = format!("{HEADER}\n").into_bytes();
        bytes.extend_from_slice(&tail);
        let parsed = parse_uc_file(&bytes).expect("the header is right");
        prop_assert_eq!(parsed.lines, parsed.records.len() + parsed.errors.len());
    }

    #[test]
    fn valid_records_round_trip_through_format_and_parse(record in record_strategy()) {
        let line = format_record(&record);
        let parsed = parse_ok(&file(&[&line]));
        prop_assert_eq!(parsed.errors, vec![]);
        prop_assert_eq!(parsed.records, vec![UcRecord { line: 2, ..record }]);
    }

    #[test]
    fn garbage_lines_among_valid_ones_give_the_valid_records_and_one_error_each(
        good in prop::collection::vec(record_strategy(), 0..12),
        garbage in prop::collection::vec((any::<prop::sample::Index>(), garbage_strategy()), 0..12),
        crlf in any::<bool>(),
        final_newline in any::<bool>(),
    ) {
        // Good ids are R<n>_…, garbage ids G<n>: unique by construction.
        let good: Vec<UcRecord> = good.into_iter().enumerate().map(|(index, mut record)| {
            record.record_id = format!("R{index}_{}", record.record_id);
            record.record_id.truncate(RECORD_ID_LEN_MAX);
            record
        }).collect();
        let mut entries: Vec<Result<usize, Garbage>> = (0..good.len()).map(Ok).collect();
        for (position, item) in garbage {
            let at = position.index(entries.len() + 1);
            entries.insert(at, Err(item));
        }

        let line_end: &[u8] = if crlf { b"\r\n" } else { b"\n" };
        let mut bytes = HEADER.as_bytes().to_vec();
        let mut expected_records = vec![];
        let mut expected_errors = vec![];
        let mut garbage_index = 0;
        for (index, entry) in entries.into_iter().enumerate() {
            let line = index + 2;
            bytes.extend_from_slice(line_end);
            match entry {
                Ok(good_index) => {
                    bytes.extend_from_slice(format_record(&good[good_index]).as_bytes());
                    expected_records.push(UcRecord { line, ..good[good_index].clone() });
                }
                Err(Garbage::NoCommas(text)) => {
                    bytes.extend_from_slice(text.as_bytes());
                    expected_errors.push((line, "line"));
                }
                Err(Garbage::NotUtf8(raw)) => {
                    bytes.extend_from_slice(&raw);
                    expected_errors.push((line, "line"));
                }
                Err(Garbage::Corrupted(mut record, corruption)) => {
                    record.record_id = format!("G{garbage_index}");
                    garbage_index += 1;
                    let (text, field) = corrupt(&format_record(&record), corruption);
                    bytes.extend_from_slice(text.as_bytes());
                    expected_errors.push((line, field));
                }
                Err(Garbage::Blank(text)) => bytes.extend_from_slice(text.as_bytes()),
            }
        }
        if final_newline {
            bytes.extend_from_slice(line_end);
        }

        let parsed = parse_ok(&bytes);
        prop_assert_eq!(error_positions(&parsed), expected_errors.clone());
        prop_assert_eq!(parsed.lines, expected_records.len() + expected_errors.len());
        prop_assert_eq!(parsed.records, expected_records);
    }

    #[test]
    fn a_nino_never_shows_in_debug_or_display(nino in nino_strategy()) {
        let digits = &nino.expose()[2..8];
        let record_line = format!(
            "X1,change,{},2025-05-01,2025-04-15,2025-05-14,0,0,0,N,0,N,N,N,0", nino.expose()
        );
        let record = parse_ok(&file(&[&record_line])).records.remove(0);
        let shown_forms = [
            format!("{nino:?}"),
            format!("{nino}"),
            format!("{nino:#?}"),
            format!("{record:?}"),
            format!("{record:#?}"),
        ];
        for shown in shown_forms {
            prop_assert!(!shown.contains(digits), "{}", shown);
            prop_assert!(!shown.contains(nino.expose()), "{}", shown);
        }
        prop_assert_eq!(format!("{nino:?}"), "Nino(<redacted>)");
    }

    #[test]
    fn any_spelling_of_a_nino_normalises_to_the_same_number(
        text in nino_text_strategy(),
        spelling in prop::collection::vec((any::<bool>(), 0usize..3), 9),
    ) {
        let mut spelt = String::new();
        for (character, (lower, spaces)) in text.chars().zip(&spelling) {
            spelt.push_str(&" ".repeat(*spaces));
            spelt.push(if *lower { character.to_ascii_lowercase() } else { character });
        }
        prop_assert_eq!(Nino::parse(&spelt), Nino::parse(&text));
        prop_assert_eq!(Nino::parse(&spelt).map(|n| n.expose().to_owned()), Ok(text));
    }

    #[test]
    fn weekly_is_within_half_a_penny_of_monthly_times_twelve_over_fifty_two(pence in 0i64..=100_000_000) {
        let weekly = monthly_to_weekly(Pence::new(pence)).get();
        prop_assert!((weekly * 52 - pence * 12).abs() * 2 <= 52);
    }
}
