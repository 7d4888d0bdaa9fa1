//! Spreadsheet-safe cells.
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
}
