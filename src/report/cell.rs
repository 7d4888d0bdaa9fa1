//! The cells auditors see: safe in a spreadsheet, and personal IDs masked on request.
//!
//! A CSV cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is read as a
//! formula by spreadsheet programs (CSV injection). Such cells get a leading apostrophe, the
//! convention spreadsheet programs themselves use for "this is text" (OWASP's advice). This
//! applies to every value taken from the input files, always, not only with `--excel`; numbers
//! popsync computes itself are not input and are written as they are.

use std::borrow::Cow;

/// The cell text to write for a value taken from input data.
pub(crate) fn safe(value: &str) -> Cow<'_, str> {
    match value.as_bytes().first() {
        Some(b'=' | b'+' | b'-' | b'@' | b'\t' | b'\r') => Cow::Owned(format!("'{value}")),
        _ => Cow::Borrowed(value),
    }
}

/// A personal ID as auditors see it: whole, or with `--mask-ids` only its last 4 digits.
pub(crate) fn shown_id(id: &str, mask: bool) -> Cow<'_, str> {
    let chars = id.chars().count();
    if !mask || chars <= 4 {
        return Cow::Borrowed(id);
    }
    let mut shown: String = "*".repeat(chars - 4);
    shown.extend(id.chars().skip(chars - 4));
    Cow::Owned(shown)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_neutralised() {
        for v in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(safe(v).starts_with('\''), "{v:?}");
        }
        assert_eq!(safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        for v in ["", "001090012345", "a=b", "'already", "Nguyễn Văn An"] {
            assert_eq!(safe(v), v);
        }
    }

    #[test]
    fn masked_ids_show_their_last_four_digits() {
        assert_eq!(shown_id("001090012345", true), "********2345");
        assert_eq!(shown_id("001090012345", false), "001090012345");
        assert_eq!(shown_id("1234", true), "1234");
    }
}
