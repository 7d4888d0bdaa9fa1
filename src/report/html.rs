//! report.html: one self-contained page for auditors (SPEC section 4, issue 5).

use serde_json::Value;

/// One participant row shown as an example of its status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sample {
    pub status: &'static str,
    pub line: u64,
    pub insurance_code: String,
    pub name: String,
    pub reasons: String,
    pub person_id: String,
}

/// What the page is made from.
pub struct HtmlInput<'a> {
    /// summary.json of this run.
    pub summary: &'a Value,
    /// The first rows of each status, in input order.
    pub samples: &'a [Sample],
    /// summary.json of the previous run (`--previous`), for the changes since then.
    pub previous: Option<&'a Value>,
}

/// The page.
pub fn render(input: &HtmlInput<'_>) -> String {
    let _ = input;
    unimplemented!("being written")
}
