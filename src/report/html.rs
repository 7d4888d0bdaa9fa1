//! report.html: one self-contained page for auditors (docs/outputs.md).
//!
//! The page needs nothing but itself: inline CSS, inline SVG charts, no script, no font, image or
//! stylesheet from anywhere, so it opens the same on an air-gapped audit laptop and prints. Every
//! value that comes from the data (names, codes, reasons, province and scheme names, paths) goes
//! through [`escape`], so a participant named `<script>` is text, never markup.

use std::fmt::Write;

use serde_json::Value;

use crate::report::format::thousands;
use crate::report::meaning::reason_meaning;
use crate::report::stats::ExampleRow;

/// What the page is made from.
pub(crate) struct HtmlInput<'a> {
    /// summary.json of this run.
    pub(crate) summary: &'a Value,
    /// The first rows of each status, in input order.
    pub(crate) examples: &'a [ExampleRow],
    /// summary.json of the previous run (`--previous`), for the changes since then.
    pub(crate) previous: Option<&'a Value>,
}

/// The statuses, in their documented order (docs/statuses-and-reasons.md), with what each means for an auditor.
const STATUSES: [(&str, &str); 6] = [
    (
        "SYNCED",
        "found by ID; name, date of birth and gender agree",
    ),
    ("DIFF", "found by ID, same person, something differs"),
    (
        "SUGGESTED",
        "no usable ID; one register person is clearly this participant",
    ),
    ("AMBIGUOUS", "several register persons are plausible"),
    ("NOT_FOUND", "nobody in the register plausibly matches"),
    ("REJECTED", "the row could not be read"),
];

/// The page.
pub(crate) fn render(input: &HtmlInput<'_>) -> String {
    let s = input.summary;
    let mut out = String::with_capacity(64 * 1024);
    out.push_str(
        "<!DOCTYPE html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
    );
    let _ = writeln!(
        out,
        "<title>popsync report: synchronization {}</title>",
        pct(num(&s["totals"]["sync_rate"]))
    );
    out.push_str("<style>\n");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    headline(&mut out, s);
    quality_warnings(&mut out, s);
    provinces(&mut out, s);
    statuses(&mut out, s);
    reasons(&mut out, s);
    province_details(&mut out, s);
    schemes(&mut out, s);
    quality(&mut out, s);
    changes(&mut out, s, input.previous);
    examples(&mut out, s, input.examples, input.previous.is_some());
    run_info(&mut out, s);
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// HTML-escapes text for element content and quoted attribute values.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A count with comma thousands separators: `2,378` (as on the terminal).
fn count(n: u64) -> String {
    thousands(n)
}

/// A rate (0..=1) as a percentage with two decimals: `79.27%`; `—` when absent.
pub(crate) fn pct(rate: Option<f64>) -> String {
    match rate {
        Some(r) if r.is_finite() => format!("{:.2}%", r * 100.0),
        _ => "—".to_string(),
    }
}

/// A signed count delta: `+12`, `−3` (minus sign), `0`.
fn signed_count(delta: i128) -> String {
    let magnitude = count(delta.unsigned_abs().min(u64::MAX as u128) as u64);
    match delta.signum() {
        1 => format!("+{magnitude}"),
        -1 => format!("\u{2212}{magnitude}"),
        _ => "0".to_string(),
    }
}

/// A rate delta in percentage points: `+1.23 pp`, `−0.50 pp`, `0.00 pp`.
fn signed_pp(delta: f64) -> String {
    let pp = delta * 100.0;
    let text = format!("{:.2}", pp.abs());
    if text == "0.00" {
        "0.00 pp".to_string()
    } else if pp > 0.0 {
        format!("+{text} pp")
    } else {
        format!("\u{2212}{text} pp")
    }
}

fn delta_class(delta: f64, good_when_up: bool) -> &'static str {
    if delta.abs() < 1e-12 {
        "same"
    } else if (delta > 0.0) == good_when_up {
        "better"
    } else {
        "worse"
    }
}

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn int(v: &Value) -> u64 {
    v.as_u64()
        .or_else(|| v.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
        .unwrap_or(0)
}

/// A string or number from the data, escaped; empty for null or absent.
fn text(v: &Value) -> String {
    match v {
        Value::String(s) => escape(s),
        Value::Null => String::new(),
        other => escape(&other.to_string()),
    }
}

fn array(v: &Value) -> &[Value] {
    v.as_array().map(Vec::as_slice).unwrap_or(&[])
}

/// Status counts of a summary, in the statuses' order, then any others the summary has.
fn status_counts(s: &Value) -> Vec<(String, u64)> {
    let mut out: Vec<(String, u64)> = STATUSES
        .iter()
        .map(|(name, _)| (name.to_string(), int(&s["statuses"][name])))
        .collect();
    if let Some(map) = s["statuses"].as_object() {
        for (name, n) in map {
            if !STATUSES.iter().any(|(known, _)| known == name) {
                out.push((name.clone(), int(n)));
            }
        }
    }
    out
}

fn headline(out: &mut String, s: &Value) {
    let t = &s["totals"];
    let participants = int(&t["participants"]);
    let synced = int(&t["synced"]);
    let _ = write!(
        out,
        "<header>\n<p class=\"kicker\">popsync · insurance participants against the National \
         Population Database</p>\n<h1>Synchronization report</h1>\n\
         <p class=\"headline\">{} of {} participants synchronized: {}</p>\n",
        count(synced),
        count(participants),
        pct(num(&t["sync_rate"])),
    );
    let not_synced = participants.saturating_sub(synced);
    let _ = write!(
        out,
        "<div class=\"cards\">\n\
         <div class=\"card\"><span class=\"value\">{}</span><span class=\"label\">linked to a \
         register person ({} participants)</span></div>\n\
         <div class=\"card\"><span class=\"value\">{}</span><span class=\"label\">not \
         synchronized: to review in mismatches.csv</span></div>\n\
         <div class=\"card\"><span class=\"value\">{}</span><span class=\"label\">rows rejected \
         as unreadable (rejects.csv)</span></div>\n</div>\n",
        pct(num(&t["link_rate"])),
        count(int(&t["linked"])),
        count(not_synced),
        count(int(&t["rejected"])),
    );
    let run = &s["run"];
    let _ = writeln!(
        out,
        "<p class=\"meta\">Run started {} · finished {} · popsync {}</p>\n</header>",
        text(&run["started"]),
        text(&run["finished"]),
        text(&s["tool"]["version"]),
    );
}

/// The inputs' columns whose values are partly unreadable or all empty, under the headline:
/// the figures below are made from them.
fn quality_warnings(out: &mut String, s: &Value) {
    let mut warned = Vec::new();
    for (role, label) in [
        ("participants", "participants file"),
        ("register", "register file"),
    ] {
        for c in array(&s["quality"][role]) {
            if matches!(c["gate"].as_str(), Some("warn" | "empty")) {
                warned.push(format!(
                    "{label}: <code>{}</code> {}",
                    text(&c["source"]),
                    match c["gate"].as_str() {
                        Some("empty") => "is empty on every row".to_string(),
                        _ => format!(
                            "has {} of its values unreadable",
                            pct(num(&c["unreadable_share"]))
                        ),
                    }
                ));
            }
        }
    }
    if warned.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "<div class=\"warning\" role=\"note\"><strong>Data-quality warning.</strong> The figures \
         below are made from columns that are partly unreadable or empty: {}. See \
         <a href=\"#quality\">Data quality of the inputs</a>.</div>",
        warned.join("; ")
    );
}

/// Each current province's rows per status and its most common reasons, with a link to its
/// workbook when the run wrote one per province (`--split-by province`): where a provincial
/// agency finds its part of the night.
fn province_details(out: &mut String, s: &Value) {
    let provinces = array(&s["provinces"]);
    if provinces.is_empty() {
        return;
    }
    out.push_str(
        "<section id=\"province-details\">\n<h2>Each province: statuses and reasons</h2>\n\
         <table class=\"details\">\n<thead><tr><th>Province</th>",
    );
    for status in crate::matching::Status::ALL {
        let _ = write!(out, "<th class=\"num\">{}</th>", status.as_str());
    }
    out.push_str("<th>Most common reasons</th><th>Rows to review</th></tr></thead>\n<tbody>\n");
    for p in provinces {
        let code = p["code"].as_str();
        let anchor = code.unwrap_or("unknown");
        let _ = write!(
            out,
            "<tr id=\"province-{}\"><td>{}{}</td>",
            escape(anchor),
            code.map(|c| format!("<code>{}</code> ", escape(c)))
                .unwrap_or_default(),
            text(&p["name"]),
        );
        for status in crate::matching::Status::ALL {
            let _ = write!(
                out,
                "<td class=\"num\">{}</td>",
                count(int(&p["statuses"][status.as_str()]))
            );
        }
        let mut reasons: Vec<(&str, u64)> = p["reasons"]
            .as_object()
            .map(|m| m.iter().map(|(k, v)| (k.as_str(), int(v))).collect())
            .unwrap_or_default();
        reasons.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        let top: Vec<String> = reasons
            .iter()
            .take(3)
            .map(|(r, n)| {
                format!(
                    "<span title=\"{}\"><code>{}</code> {}</span>",
                    escape(reason_meaning(r)),
                    escape(r),
                    count(*n)
                )
            })
            .collect();
        let workbook = s["workbooks"]["provinces"][anchor].as_str();
        let link = match workbook {
            Some(path) => format!("<a href=\"{}\">{}</a>", escape(path), escape(path)),
            None => "mismatches.csv, <code>current_province_code</code>".to_string(),
        };
        let _ = writeln!(out, "<td>{}</td><td>{link}</td></tr>", top.join(" · "));
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Every input column popsync read: how many values were empty, readable and unreadable, and
/// for code columns the most common unreadable codes.
fn quality(out: &mut String, s: &Value) {
    let q = &s["quality"];
    if q.is_null() {
        return;
    }
    out.push_str("<section id=\"quality\">\n<h2>Data quality of the inputs</h2>\n");
    let _ = writeln!(
        out,
        "<p class=\"what\">Each column as popsync read it. A column with more than {} of its \
         non-empty values unreadable stops the run; one with more than a quarter of that is \
         reported here and in the log.</p>",
        pct(num(&q["max_unreadable"]))
    );
    for (role, title) in [
        ("participants", "Participants file"),
        ("register", "Register file"),
    ] {
        let columns = array(&q[role]);
        if columns.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<h3>{title}</h3>\n<table>\n<thead><tr><th>Column</th><th>Read as</th>\
             <th class=\"num\">Values</th><th class=\"num\">Empty</th>\
             <th class=\"num\">Unreadable</th><th>Most common unreadable</th><th>Verdict</th>\
             </tr></thead>\n<tbody>"
        );
        for c in columns {
            let values = int(&c["values"]);
            let common: Vec<String> = array(&c["common_unreadable"])
                .iter()
                .map(|pair| format!("<code>{}</code> ({})", text(&pair[0]), count(int(&pair[1]))))
                .collect();
            let verdict = match c["gate"].as_str() {
                Some("warn") => "<span class=\"bad\">partly unreadable</span>",
                Some("empty") => "<span class=\"bad\">empty</span>",
                Some("stop") => "<span class=\"bad\">unreadable</span>",
                _ => "read",
            };
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{} ({})</td><td>{}</td><td>{}</td></tr>",
                text(&c["source"]),
                text(&c["column"]),
                count(values),
                pct(Some(share(int(&c["empty"]), values))),
                count(int(&c["unreadable"])),
                pct(num(&c["unreadable_share"])),
                common.join(", "),
                verdict,
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

/// Bar colour for a rate compared with the national rate: red more than 5 points below it,
/// orange more than 1 point below, blue otherwise.
fn bar_class(rate: f64, national: Option<f64>) -> &'static str {
    match national {
        Some(n) if rate < n - 0.05 => "bar low",
        Some(n) if rate < n - 0.01 => "bar below",
        _ => "bar",
    }
}

/// Where the chart's rate axis starts: 0, or the 10% step below the lowest rate, so that
/// differences of a few points between provinces stay visible. Always below the national rate.
fn axis_start(lowest: f64, national: Option<f64>) -> f64 {
    let low = national.map_or(lowest, |n| n.min(lowest)).clamp(0.0, 1.0);
    (((low * 10.0) - 1e-9).floor() / 10.0).clamp(0.0, 0.9)
}

fn provinces(out: &mut String, s: &Value) {
    out.push_str("<section id=\"provinces\">\n<h2>Synchronization rate by province</h2>\n");
    let national = num(&s["totals"]["sync_rate"]);
    let mut rows: Vec<&Value> = array(&s["provinces"])
        .iter()
        .filter(|p| int(&p["participants"]) > 0)
        .collect();
    if rows.is_empty() {
        out.push_str("<p>No participants.</p>\n</section>\n");
        return;
    }
    // Lowest first, so the problems are on top; ties by name.
    rows.sort_by(|a, b| {
        let ra = num(&a["sync_rate"]).unwrap_or(0.0);
        let rb = num(&b["sync_rate"]).unwrap_or(0.0);
        ra.total_cmp(&rb).then_with(|| {
            a["name"]
                .as_str()
                .unwrap_or("")
                .cmp(b["name"].as_str().unwrap_or(""))
        })
    });
    let lowest = num(&rows[0]["sync_rate"]).unwrap_or(0.0);
    let start = axis_start(lowest, national);
    let _ = writeln!(
        out,
        "<p class=\"note\">The {} current provinces (Resolution 202/2025/QH15), lowest rate first. \
         The dashed line is the national rate, {}; bars in orange are more than 1 point below it, \
         in red more than 5 points below.{}</p>",
        rows.iter().filter(|p| !p["code"].is_null()).count(),
        pct(national),
        if start > 0.0 {
            format!(" The axis starts at {:.0}%, not 0.", start * 100.0)
        } else {
            String::new()
        },
    );

    // Chart geometry, in SVG user units; the SVG scales to the page width.
    const WIDTH: f64 = 1000.0;
    const LABEL: f64 = 210.0;
    const RIGHT: f64 = 70.0;
    const ROW: f64 = 22.0;
    const TOP: f64 = 28.0;
    let plot = WIDTH - LABEL - RIGHT;
    let x_of = |rate: f64| LABEL + plot * ((rate.clamp(start, 1.0) - start) / (1.0 - start));
    let bars_end = TOP + ROW * rows.len() as f64;
    let height = bars_end + 24.0;
    let _ = writeln!(
        out,
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         aria-label=\"Synchronization rate by province, lowest first\">"
    );
    // Grid and axis labels every 10 points (every 25 on a full axis).
    let step = if start > 0.4 { 0.1 } else { 0.25 };
    let steps = ((1.0 - start) / step).round() as u32;
    for i in 0..=steps {
        let tick = start + step * i as f64;
        let x = x_of(tick);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{}\" x2=\"{x:.1}\" y2=\"{bars_end:.1}\"/>\
             <text class=\"axis\" x=\"{x:.1}\" y=\"12\" text-anchor=\"middle\">{}%</text>",
            TOP - 6.0,
            (tick * 100.0).round(),
        );
    }
    for (i, p) in rows.iter().enumerate() {
        let rate = num(&p["sync_rate"]).unwrap_or(0.0).clamp(0.0, 1.0);
        let y = TOP + ROW * i as f64;
        let w = x_of(rate) - LABEL;
        let name = text(&p["name"]);
        let class = if p["code"].is_null() {
            "bar unknown"
        } else {
            bar_class(rate, national)
        };
        let _ = writeln!(
            out,
            "<g><title>{name}: {} of {} synchronized, {}</title>\
             <text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{name}</text>\
             <rect class=\"{class}\" x=\"{LABEL}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\"/>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text></g>",
            count(int(&p["synced"])),
            count(int(&p["participants"])),
            pct(Some(rate)),
            LABEL - 8.0,
            y + ROW * 0.68,
            y + 3.0,
            ROW - 6.0,
            WIDTH - 4.0,
            y + ROW * 0.68,
            pct(Some(rate)),
        );
    }
    if let Some(n) = national {
        let x = x_of(n);
        let _ = writeln!(
            out,
            "<line class=\"national\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
             <text class=\"national-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{}\">national {}</text>",
            TOP - 6.0,
            bars_end + 6.0,
            if x > WIDTH - RIGHT - 110.0 { x - 4.0 } else { x + 4.0 },
            bars_end + 18.0,
            if x > WIDTH - RIGHT - 110.0 { "end" } else { "start" },
            pct(Some(n)),
        );
    }
    out.push_str("</svg>\n");

    out.push_str(
        "<h3>Provinces and the former provinces they absorbed</h3>\n\
         <p class=\"note\">Each current province, then its participants by the former province \
         code they were recorded with, so the figures can be compared with \
         reports made before 1 July 2025.</p>\n\
         <table class=\"provinces\">\n<thead><tr><th>Province</th><th>Code</th>\
         <th class=\"num\">Participants</th><th class=\"num\">Synced</th>\
         <th class=\"num\">Sync rate</th><th class=\"num\">Linked</th>\
         <th class=\"num\">Link rate</th></tr></thead>\n<tbody>\n",
    );
    for p in array(&s["provinces"]) {
        province_row(out, p, false);
        for f in array(&p["former"]) {
            province_row(out, f, true);
        }
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn province_row(out: &mut String, p: &Value, former: bool) {
    let (class, marker) = if former {
        (" class=\"former\"", "↳ ")
    } else {
        (" class=\"current\"", "")
    };
    let _ = writeln!(
        out,
        "<tr{class}><td>{marker}{}</td><td>{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td></tr>",
        text(&p["name"]),
        text(&p["code"]),
        count(int(&p["participants"])),
        count(int(&p["synced"])),
        pct(num(&p["sync_rate"])),
        count(int(&p["linked"])),
        pct(num(&p["link_rate"])),
    );
}

/// A small inline bar for a share (0..=1) in a table cell.
fn mini_bar(share: f64, class: &str) -> String {
    let w = (share.clamp(0.0, 1.0) * 160.0).max(if share > 0.0 { 1.0 } else { 0.0 });
    format!(
        "<svg class=\"mini\" viewBox=\"0 0 160 12\" width=\"160\" height=\"12\" aria-hidden=\"true\">\
         <rect class=\"track\" x=\"0\" y=\"1\" width=\"160\" height=\"10\"/>\
         <rect class=\"{class}\" x=\"0\" y=\"1\" width=\"{w:.1}\" height=\"10\"/></svg>"
    )
}

fn share(n: u64, total: u64) -> f64 {
    if total == 0 {
        0.0
    } else {
        n as f64 / total as f64
    }
}

fn statuses(out: &mut String, s: &Value) {
    let total = int(&s["totals"]["participants"]);
    out.push_str(
        "<section id=\"statuses\">\n<h2>Statuses</h2>\n<table>\n<thead><tr><th>Status</th>\
         <th>Meaning</th><th class=\"num\">Rows</th><th class=\"num\">Share</th><th></th></tr>\
         </thead>\n<tbody>\n",
    );
    for (name, n) in status_counts(s) {
        let meaning = STATUSES
            .iter()
            .find(|(known, _)| *known == name)
            .map_or("", |(_, m)| m);
        let class = if name == "SYNCED" { "bar" } else { "bar low" };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&name),
            escape(meaning),
            count(n),
            pct(Some(share(n, total))),
            mini_bar(share(n, total), class),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn reasons(out: &mut String, s: &Value) {
    let total = int(&s["totals"]["participants"]);
    out.push_str("<section id=\"reasons\">\n<h2>Reasons</h2>\n");
    let mut rows: Vec<(&str, u64)> = s["reasons"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.as_str(), int(v)))
                .filter(|(_, n)| *n > 0)
                .collect()
        })
        .unwrap_or_default();
    if rows.is_empty() {
        out.push_str("<p>No row has a reason code.</p>\n</section>\n");
        return;
    }
    // Most frequent first; a stable sort keeps the reasons' order between equal counts.
    rows.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    let max = rows[0].1;
    out.push_str(
        "<p class=\"note\">A row can have several reasons; reasons that no row has are not \
         listed.</p>\n<table>\n<thead><tr><th>Reason</th><th>What it means</th>\
         <th class=\"num\">Rows</th><th class=\"num\">Share of participants</th><th></th></tr>\
         </thead>\n<tbody>\n",
    );
    for (reason, n) in rows {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td></tr>",
            escape(reason),
            escape(reason_meaning(reason)),
            count(n),
            pct(Some(share(n, total))),
            mini_bar(share(n, max), "bar below"),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn schemes(out: &mut String, s: &Value) {
    out.push_str("<section id=\"schemes\">\n<h2>By scheme</h2>\n");
    let rows = array(&s["schemes"]);
    if rows.is_empty() {
        out.push_str("<p>No scheme recorded.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<table>\n<thead><tr><th>Scheme</th><th class=\"num\">Participants</th>\
         <th class=\"num\">Synced</th><th class=\"num\">Sync rate</th><th></th>\
         <th class=\"num\">Linked</th><th class=\"num\">Link rate</th></tr></thead>\n<tbody>\n",
    );
    let national = num(&s["totals"]["sync_rate"]);
    for sc in rows {
        let name = match sc["scheme"].as_str() {
            Some("") | None => "<em>(none)</em>".to_string(),
            Some(name) => escape(name),
        };
        let rate = num(&sc["sync_rate"]);
        let _ = writeln!(
            out,
            "<tr><td>{name}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            count(int(&sc["participants"])),
            count(int(&sc["synced"])),
            pct(rate),
            mini_bar(
                rate.unwrap_or(0.0),
                bar_class(rate.unwrap_or(0.0), national)
            ),
            count(int(&sc["linked"])),
            pct(num(&sc["link_rate"])),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn changes(out: &mut String, s: &Value, previous: Option<&Value>) {
    out.push_str("<section id=\"changes\">\n<h2>Changes since the previous run</h2>\n");
    let Some(prev) = previous else {
        let reason = s["changes"]["skipped"]
            .as_str()
            .unwrap_or("there is no previous run to compare with");
        let _ = writeln!(
            out,
            "<p>No changes are shown: {}.</p>\n</section>",
            escape(reason)
        );
        return;
    };
    let _ = writeln!(
        out,
        "<p class=\"note\">Previous run started {}; rows whose status changed are in \
         <a href=\"changes.csv\">changes.csv</a>.</p>",
        text(&prev["run"]["started"]),
    );
    let now = num(&s["totals"]["sync_rate"]);
    let then = num(&prev["totals"]["sync_rate"]);
    let delta = match (now, then) {
        (Some(a), Some(b)) => format!(
            "<span class=\"{}\">{}</span>",
            delta_class(a - b, true),
            signed_pp(a - b)
        ),
        _ => "—".to_string(),
    };
    let _ = writeln!(
        out,
        "<p class=\"delta\">Synchronization rate: {} then, {} now ({delta})</p>",
        pct(then),
        pct(now),
    );
    out.push_str(
        "<table>\n<thead><tr><th></th><th class=\"num\">Previous</th><th class=\"num\">Now</th>\
         <th class=\"num\">Change</th></tr></thead>\n<tbody>\n",
    );
    let participants_then = int(&prev["totals"]["participants"]);
    let participants_now = int(&s["totals"]["participants"]);
    let _ = writeln!(
        out,
        "<tr><td>participants</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td></tr>",
        count(participants_then),
        count(participants_now),
        signed_count(participants_now as i128 - participants_then as i128),
    );
    let prev_counts = status_counts(prev);
    for (name, n) in status_counts(s) {
        let before = prev_counts
            .iter()
            .find(|(p, _)| *p == name)
            .map_or(0, |(_, n)| *n);
        let d = n as i128 - before as i128;
        let class = delta_class(d as f64, name == "SYNCED");
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num {class}\">{}</td></tr>",
            escape(&name),
            count(before),
            count(n),
            signed_count(d),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn examples(out: &mut String, s: &Value, examples: &[ExampleRow], with_changes: bool) {
    out.push_str(
        "<section id=\"samples\">\n<h2>Example rows and the files</h2>\n<p class=\"files\">",
    );
    let mut files = vec![
        (
            "mismatches.csv",
            "every row that is not SYNCED, side by side with the register",
        ),
        ("results.csv", "every row with its status"),
        ("rejects.csv", "unreadable rows"),
        (
            "duplicates.csv",
            "register persons linked from several insurance codes",
        ),
        ("summary.json", "all the figures of this page"),
    ];
    if with_changes {
        files.push((
            "changes.csv",
            "rows whose status changed since the previous run",
        ));
    }
    let links: Vec<String> = files
        .iter()
        .map(|(f, what)| format!("<a href=\"{f}\">{f}</a> <span class=\"what\">({what})</span>"))
        .collect();
    out.push_str(&links.join(" · "));
    out.push_str("</p>\n");
    if examples.is_empty() {
        out.push_str("<p>No example rows.</p>\n</section>\n");
        return;
    }
    out.push_str(
        "<p class=\"note\">The first rows of each status, in input order; the line is the line \
         in the participants file.</p>\n",
    );
    for (status, total) in status_counts(s) {
        let rows: Vec<&ExampleRow> = examples.iter().filter(|x| x.status == status).collect();
        if rows.is_empty() {
            continue;
        }
        let file = match status.as_str() {
            "SYNCED" => "results.csv",
            "REJECTED" => "rejects.csv",
            _ => "mismatches.csv",
        };
        let _ = writeln!(
            out,
            "<h3><code>{}</code>: first {} of {} (all in <a href=\"{file}\">{file}</a>)</h3>",
            escape(&status),
            count(rows.len() as u64),
            count(total.max(rows.len() as u64)),
        );
        out.push_str(
            "<table class=\"samples\">\n<colgroup><col class=\"line\"><col class=\"code\">\
             <col class=\"name\"><col class=\"reasons\"><col class=\"pid\"></colgroup>\n<thead><tr><th class=\"num\">Line</th>\
             <th>Insurance code</th><th>Name</th><th>Reasons</th><th>Person ID</th></tr>\
             </thead>\n<tbody>\n",
        );
        for r in rows {
            let _ = writeln!(
                out,
                "<tr><td class=\"num\">{}</td><td><code>{}</code></td><td>{}</td>\
                 <td class=\"reasons\">{}</td><td><code>{}</code></td></tr>",
                r.line,
                escape(&r.insurance_code),
                escape(&r.name),
                escape(&r.reasons).replace(';', "; "),
                escape(&r.person_id),
            );
        }
        out.push_str("</tbody>\n</table>\n");
    }
    out.push_str("</section>\n");
}

/// Elapsed seconds as `0.3 s`, `2 min 05 s`, `1 h 02 min 03 s`.
fn elapsed(seconds: Option<f64>) -> String {
    let Some(secs) = seconds.filter(|s| s.is_finite() && *s >= 0.0) else {
        return "—".to_string();
    };
    if secs < 60.0 {
        return format!("{secs:.1} s");
    }
    let total = secs.round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("{h} h {m:02} min {s:02} s")
    } else {
        format!("{m} min {s:02} s")
    }
}

/// Bytes as `211,938 bytes (207 KiB)`.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    let mut value = bytes as f64;
    let mut unit = "";
    for u in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = u;
    }
    if unit.is_empty() {
        format!("{} bytes", count(bytes))
    } else {
        format!("{} bytes ({value:.1} {unit})", count(bytes))
    }
}

fn run_info(out: &mut String, s: &Value) {
    let run = &s["run"];
    let mut rows = vec![
        ("Started", text(&run["started"])),
        ("Finished", text(&run["finished"])),
        ("Elapsed", elapsed(num(&run["elapsed_seconds"]))),
    ];
    if !run["threads"].is_null() {
        rows.push(("Threads", text(&run["threads"])));
    }
    let tool = match s["tool"]["name"].as_str() {
        Some(name) => format!("{} {}", escape(name), text(&s["tool"]["version"])),
        None => format!("popsync {}", text(&s["tool"]["version"])),
    };
    rows.push(("Tool", tool));
    for (label, key) in [
        ("Participants file", "participants"),
        ("Register file", "register"),
    ] {
        let i = &s["inputs"][key];
        if i.is_null() {
            continue;
        }
        let mut desc = format!(
            "<code>{}</code>: {}, {} rows",
            text(&i["path"]),
            size(int(&i["bytes"])),
            count(int(&i["rows"])),
        );
        if !i["persons"].is_null() {
            let _ = write!(desc, ", {} persons", count(int(&i["persons"])));
        }
        if !i["deceased"].is_null() {
            let _ = write!(desc, ", {} deceased", count(int(&i["deceased"])));
        }
        rows.push((label, desc));
    }
    out.push_str("<section id=\"run\">\n<h2>Run</h2>\n<table class=\"run\">\n<tbody>\n");
    for (label, value) in rows {
        let _ = writeln!(out, "<tr><th>{label}</th><td>{value}</td></tr>");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

const CSS: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
:root { --ink: #1c2430; --muted: #5b6573; --line: #d9dee5; --bg: #ffffff; --soft: #f4f6f9;
  --good: #2f6fb3; --below: #e08a1e; --low: #c2412d; --unknown: #8a94a3; }
* { box-sizing: border-box; }
html { font-size: 15px; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial,
    "Liberation Sans", sans-serif;
  line-height: 1.45; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 48px; }
h1 { font-size: 1.6rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 36px 0 8px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 1.05rem; margin: 22px 0 6px; }
.kicker { margin: 0; color: var(--muted); font-size: 0.9rem; text-transform: uppercase; letter-spacing: 0.04em; }
.headline { font-size: 2.2rem; font-weight: 700; line-height: 1.2; margin: 14px 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 0 0 10px; }
.card { flex: 1 1 200px; background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card .value { display: block; font-size: 1.6rem; font-weight: 700; font-variant-numeric: tabular-nums; }
.card .label { color: var(--muted); font-size: 0.9rem; }
.meta, .note, .what { color: var(--muted); font-size: 0.9rem; }
code { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.88em; }
.warning { background: #fff4e5; border: 1px solid var(--below); border-radius: 6px; padding: 10px 14px; margin: 10px 0 6px; }
.bad { color: var(--low); font-weight: 600; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 0.93rem; }
th, td { padding: 4px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: baseline; }
table.samples { table-layout: fixed; }
table.samples col.line { width: 8%; } table.samples col.code { width: 15%; }
table.samples col.name { width: 27%; } table.samples col.reasons { width: 33%; }
table.samples col.pid { width: 17%; }
table.samples td { overflow-wrap: anywhere; }
thead th { background: var(--soft); font-weight: 600; border-bottom: 2px solid var(--line); }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.current td { font-weight: 600; border-top: 1px solid #b9c1cc; }
tr.former td { color: var(--muted); font-size: 0.88rem; border-bottom-style: dotted; }
tr.former td:first-child { padding-left: 26px; }
table.run th { width: 180px; background: none; border-bottom: 1px solid var(--line); }
td.reasons { font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 0.82rem; }
svg.chart { width: 100%; height: auto; display: block; margin: 8px 0 12px; }
svg.chart text { font-family: inherit; font-size: 12.5px; fill: var(--ink); }
svg.chart text.axis { fill: var(--muted); font-size: 11px; }
svg.chart text.value { font-variant-numeric: tabular-nums; }
svg.chart text.national-label { fill: var(--ink); font-weight: 700; font-size: 11.5px; }
svg.chart line.grid { stroke: var(--line); stroke-width: 1; }
svg.chart line.national { stroke: var(--ink); stroke-width: 2; stroke-dasharray: 5 3; }
svg.mini { vertical-align: middle; }
.track { fill: var(--soft); stroke: var(--line); stroke-width: 0.5; }
.bar { fill: var(--good); }
.bar.below { fill: var(--below); }
.bar.low { fill: var(--low); }
.bar.unknown { fill: var(--unknown); }
.delta { font-size: 1.2rem; font-weight: 600; }
.better { color: #1f7a3a; }
.worse { color: var(--low); }
.same { color: var(--muted); }
a { color: var(--good); }
@media print {
  html { font-size: 12px; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, .card, svg.chart g { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"#;

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn summary(synced: u64, diff: u64) -> Value {
        let participants = 3000;
        json!({
            "tool": {"name": "popsync", "version": "0.1.0"},
            "run": {"started": "2026-11-24T01:00:00Z", "finished": "2026-11-24T01:02:05Z",
                    "elapsed_seconds": 125.0, "threads": 8},
            "inputs": {
                "participants": {"path": "in/participants.csv", "bytes": 211_938, "rows": participants},
                "register": {"path": "in/population.csv", "bytes": 256_538, "rows": 4000,
                             "persons": 4000, "deceased": 319}
            },
            "totals": {"participants": participants, "synced": synced,
                       "sync_rate": synced as f64 / participants as f64,
                       "linked": 2913, "link_rate": 0.971, "rejected": 4},
            "statuses": {"SYNCED": synced, "DIFF": diff, "SUGGESTED": 147, "AMBIGUOUS": 2,
                         "NOT_FOUND": 85, "REJECTED": 4},
            "reasons": {"id_missing": 57, "id_malformed": 0, "id_not_found": 161,
                        "name_diacritics": 89, "deceased": 235},
            "provinces": [
                {"code": "15", "name": "Lào Cai", "participants": 120, "synced": 90,
                 "sync_rate": 0.75, "linked": 118, "link_rate": 0.9833,
                 "former": [
                    {"code": "010", "name": "Lào Cai", "participants": 70, "synced": 60,
                     "sync_rate": 0.857142, "linked": 69, "link_rate": 0.98},
                    {"code": "015", "name": "Yên Bái", "participants": 50, "synced": 30,
                     "sync_rate": 0.6, "linked": 49, "link_rate": 0.98}
                 ]},
                {"code": "99", "name": "<img src=x onerror=alert(1)>", "participants": 10,
                 "synced": 9, "sync_rate": 0.9, "linked": 10, "link_rate": 1.0, "former": []},
                {"code": null, "name": "unknown province", "participants": 5, "synced": 5,
                 "sync_rate": 1.0, "linked": 5, "link_rate": 1.0, "former": []}
            ],
            "schemes": [
                {"scheme": "health", "participants": 2000, "synced": 1600, "sync_rate": 0.8,
                 "linked": 1950, "link_rate": 0.975},
                {"scheme": "<script>alert('scheme')</script>", "participants": 1000,
                 "synced": 778, "sync_rate": 0.778, "linked": 963, "link_rate": 0.963}
            ]
        })
    }

    fn examples() -> Vec<ExampleRow> {
        vec![
            ExampleRow {
                status: "DIFF",
                line: 7,
                insurance_code: "0123456789".into(),
                name: "<script>alert(1)</script>".into(),
                reasons: "name_diacritics;dob_typo".into(),
                person_id: "001090012345".into(),
            },
            ExampleRow {
                status: "SYNCED",
                line: 2,
                insurance_code: "0123456780".into(),
                name: "Nguyễn Thị Hoà".into(),
                reasons: String::new(),
                person_id: "001190054321".into(),
            },
        ]
    }

    fn page(summary: &Value, previous: Option<&Value>) -> String {
        render(&HtmlInput {
            summary,
            examples: &examples(),
            previous,
        })
    }

    #[test]
    fn escape_covers_the_five_characters() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
        assert_eq!(escape("Nguyễn Thị Hoà"), "Nguyễn Thị Hoà");
    }

    #[test]
    fn counts_and_rates_are_formatted() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(pct(Some(0.792_666)), "79.27%");
        assert_eq!(pct(Some(1.0)), "100.00%");
        assert_eq!(pct(None), "—");
        assert_eq!(signed_pp(0.0123), "+1.23 pp");
        assert_eq!(signed_pp(-0.005), "\u{2212}0.50 pp");
        assert_eq!(signed_count(-1200), "\u{2212}1,200");
        assert_eq!(elapsed(Some(0.3)), "0.3 s");
        assert_eq!(elapsed(Some(3723.0)), "1 h 02 min 03 s");
    }

    #[test]
    fn page_is_a_utf8_vietnamese_document_with_the_headline() {
        let html = page(&summary(2378, 388), None);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<html lang=\"vi\">"));
        assert!(html.contains("<meta charset=\"utf-8\">"));
        assert!(html.contains("<title>"));
        assert!(html.contains("2,378 of 3,000 participants synchronized: 79.27%"));
        assert!(html.contains("97.10%"), "link rate");
        assert!(html.contains("2,913"), "linked count");
        assert!(html.contains("Nguyễn Thị Hoà"));
        assert!(html.contains("Yên Bái"), "former province");
        assert!(html.contains("national 79.27%"));
    }

    #[test]
    fn data_is_escaped_everywhere() {
        let html = page(&summary(2378, 388), None);
        // The example's name, the scheme name and the province name, in table and chart.
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("&lt;script&gt;alert(&#39;scheme&#39;)&lt;/script&gt;"));
        assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("<img"));
    }

    #[test]
    fn page_refers_to_nothing_outside_itself() {
        let html = page(&summary(2378, 388), Some(&summary(2300, 400)));
        assert!(!html.contains("http://"));
        assert!(!html.contains("https://"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("<link"));
        assert!(!html.contains("@import"));
        assert!(!html.contains("url("));
        for file in [
            "mismatches.csv",
            "results.csv",
            "rejects.csv",
            "duplicates.csv",
            "summary.json",
        ] {
            assert!(html.contains(&format!("<a href=\"{file}\">")), "{file}");
        }
    }

    #[test]
    fn provinces_are_charted_lowest_rate_first() {
        let html = page(&summary(2378, 388), None);
        let chart = &html[html.find("<svg class=\"chart\"").unwrap()..];
        let chart = &chart[..chart.find("</svg>").unwrap()];
        let lao_cai = chart.find(">Lào Cai</text>").unwrap();
        let odd = chart.find("onerror").unwrap();
        let unknown = chart.find(">unknown province</text>").unwrap();
        assert!(lao_cai < odd && odd < unknown);
        assert!(chart.contains(">75.00%</text>"));
    }

    #[test]
    fn chart_axis_starts_below_the_lowest_rate() {
        assert_eq!(axis_start(0.763, Some(0.7926)), 0.7);
        assert_eq!(axis_start(0.85, Some(0.7926)), 0.7);
        assert_eq!(axis_start(0.7, None), 0.6);
        assert_eq!(axis_start(0.05, Some(0.5)), 0.0);
        assert_eq!(axis_start(1.0, Some(1.0)), 0.9);
        let html = page(&summary(2378, 388), None);
        assert!(html.contains("The axis starts at 70%, not 0."));
    }

    #[test]
    fn reasons_are_sorted_by_count_without_zeros() {
        let html = page(&summary(2378, 388), None);
        let section = &html[html.find("id=\"reasons\"").unwrap()..];
        let section = &section[..section.find("</section>").unwrap()];
        let order: Vec<usize> = ["deceased", "id_not_found", "name_diacritics", "id_missing"]
            .iter()
            .map(|r| section.find(&format!("<code>{r}</code>")).unwrap())
            .collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
        assert!(!section.contains("id_malformed"));
    }

    #[test]
    fn previous_run_deltas_when_given() {
        let now = summary(2378, 388);
        let then = summary(2300, 466);
        let html = page(&now, Some(&then));
        assert!(html.contains("Synchronization rate: 76.67% then, 79.27% now"));
        assert!(html.contains("+2.60 pp"));
        assert!(html.contains(">+78</td>"), "SYNCED delta");
        assert!(html.contains(">\u{2212}78</td>"), "DIFF delta");
        assert!(html.contains("<a href=\"changes.csv\">"));
        assert!(!html.contains("no previous run"));
    }

    #[test]
    fn no_previous_run_is_said_with_the_reason() {
        let html = page(&summary(2378, 388), None);
        assert!(html.contains("No changes are shown: there is no previous run to compare with."));
        assert!(!html.contains(" pp"));
        assert!(!html.contains("changes.csv"));
        let mut skipped = summary(2378, 388);
        skipped["changes"] = json!({ "previous_run": null, "skipped": "<b>a</b> reason" });
        let html = page(&skipped, None);
        assert!(
            html.contains("No changes are shown: &lt;b&gt;a&lt;/b&gt; reason."),
            "{html}"
        );
    }

    #[test]
    fn an_empty_summary_still_renders() {
        let html = render(&HtmlInput {
            summary: &json!({}),
            examples: &[],
            previous: Some(&json!({})),
        });
        assert!(html.contains("0 of 0 participants synchronized: —"));
        assert!(html.ends_with("</html>\n"));
    }

    #[test]
    fn a_partly_unreadable_column_is_warned_under_the_headline_and_profiled() {
        let mut s = summary(90, 10);
        s["quality"] = json!({
            "max_unreadable": 0.2,
            "participants": [
                { "column": "gender", "source": "GIOI_TINH", "values": 100, "empty": 0,
                  "readable": 90, "unreadable": 10, "unreadable_share": 0.1,
                  "common_unreadable": [["<X>", 10]], "gate": "warn" },
                { "column": "dob", "source": "NGAY_SINH", "values": 100, "empty": 0,
                  "readable": 100, "unreadable": 0, "unreadable_share": 0.0, "gate": "ok" },
            ],
            "register": [],
        });
        let html = page(&s, None);
        let warning = html.find("Data-quality warning").expect("a warning");
        assert!(
            warning < html.find("id=\"provinces\"").unwrap(),
            "under the headline"
        );
        assert!(html.contains("<code>GIOI_TINH</code> has 10.00% of its values unreadable"));
        assert!(html.contains("<section id=\"quality\">"));
        assert!(
            html.contains("<code>&lt;X&gt;</code> (10)"),
            "codes escaped"
        );
        // Clean data: the section, no warning.
        s["quality"]["participants"][0]["gate"] = json!("ok");
        let html = page(&s, None);
        assert!(!html.contains("Data-quality warning"));
        assert!(html.contains("<section id=\"quality\">"));
    }
}
