//! report.html: one self-contained page for auditors (docs/outputs.md).
//!
//! The page needs nothing but itself: inline CSS, inline SVG charts, no script, no font, image or
//! stylesheet from anywhere, so it opens the same on an air-gapped audit laptop and prints on A4.
//! Every value that comes from the data (names, codes, reasons, province and scheme names, paths)
//! goes through [`escape`], so a participant named `<script>` is text, never markup. Its words,
//! numbers and times are in the run's language ([`Language`]), times in the zone it is written
//! in.

use std::fmt::Write;

use jiff::tz::TimeZone;
use serde_json::Value;

use crate::matching::Status;
use crate::report::language::{fill, Language};
use crate::report::meaning::{reason_meaning, status_meaning};
use crate::report::stats::ExampleRow;
use crate::report::words::Words;

/// What the page is made from.
pub(crate) struct HtmlInput<'a> {
    /// summary.json of this run.
    pub(crate) summary: &'a Value,
    /// The first rows of each status, in input order.
    pub(crate) examples: &'a [ExampleRow],
    /// summary.json of the previous run (`--previous`), for the changes since then.
    pub(crate) previous: Option<&'a Value>,
    /// The page's language.
    pub(crate) language: Language,
    /// The zone the page shows times in: the machine's local zone.
    pub(crate) zone: &'a TimeZone,
}

/// The statuses' codes, in their documented order (docs/statuses-and-reasons.md).
fn statuses_in_order() -> impl Iterator<Item = &'static str> {
    Status::ALL.iter().map(|status| status.as_str())
}

/// How the page writes: its language's words and numbers, and its time zone.
#[derive(Clone, Copy)]
struct Locale<'a> {
    language: Language,
    words: &'static Words,
    zone: &'a TimeZone,
}

impl Locale<'_> {
    /// A count with its thousands grouped: `2,378` (en), `2.378` (vi).
    fn count(self, n: u64) -> String {
        self.language.count(n)
    }

    /// A rate (0..=1) as a percentage with two decimals; `—` when absent.
    fn pct(self, rate: Option<f64>) -> String {
        self.language.percent(rate)
    }

    /// An instant of summary.json, in the page's zone with the zone named, escaped.
    fn time(self, v: &Value) -> String {
        match v.as_str() {
            Some(instant) => escape(&self.language.time(instant, self.zone)),
            None => text(v),
        }
    }

    /// The calendar date of an instant of summary.json, in the page's zone and written as
    /// [`Locale::time`] writes it (`24/11/2026`, `2026-11-24`), escaped.
    fn date(self, v: &Value) -> String {
        match v.as_str() {
            Some(instant) if instant.parse::<jiff::Timestamp>().is_ok() => {
                let time = self.language.time(instant, self.zone);
                escape(time.split(' ').next().unwrap_or(&time))
            }
            _ => text(v),
        }
    }

    /// A signed count delta: `+12`, `−3` (minus sign), `0`.
    fn signed_count(self, delta: i128) -> String {
        let magnitude = self.count(delta.unsigned_abs().min(u64::MAX as u128) as u64);
        match delta.signum() {
            1 => format!("+{magnitude}"),
            -1 => format!("\u{2212}{magnitude}"),
            _ => "0".to_string(),
        }
    }

    /// A rate's change from `then` to `now` ([`Locale::signed_pp`]) in a span classed better,
    /// worse or same; a dash when either rate is unknown.
    fn rate_change(self, then: Option<f64>, now: Option<f64>) -> String {
        match (then, now) {
            (Some(then), Some(now)) => format!(
                "<span class=\"{}\">{}</span>",
                delta_class(now - then, true),
                self.signed_pp(now - then)
            ),
            _ => "—".to_string(),
        }
    }

    /// A rate delta in percentage points: `+1.23 pp`, `−0,50 điểm phần trăm`, `0.00 pp`.
    fn signed_pp(self, delta: f64) -> String {
        let pp = delta * 100.0;
        let points = self.words.points;
        let text = self.language.decimal(pp.abs(), 2);
        if (pp.abs() * 100.0).round() == 0.0 {
            format!("{text} {points}")
        } else if pp > 0.0 {
            format!("+{text} {points}")
        } else {
            format!("\u{2212}{text} {points}")
        }
    }

    /// Elapsed seconds as `0.3 s`, `2 min 05 s`, `1 h 02 min 03 s` (`2 phút 05 giây`).
    fn elapsed(self, seconds: Option<f64>) -> String {
        let Some(secs) = seconds.filter(|s| s.is_finite() && *s >= 0.0) else {
            return "—".to_string();
        };
        let w = self.words;
        if secs < 60.0 {
            return format!("{} {}", self.language.decimal(secs, 1), w.seconds);
        }
        let total = secs.round() as u64;
        let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
        if h > 0 {
            format!("{h} {} {m:02} {} {s:02} {}", w.hours, w.minutes, w.seconds)
        } else {
            format!("{m} {} {s:02} {}", w.minutes, w.seconds)
        }
    }

    /// Bytes as `211,938 bytes (207.0 KiB)`.
    fn size(self, bytes: u64) -> String {
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
        let exact = format!("{} {}", self.count(bytes), self.words.bytes);
        if unit.is_empty() {
            exact
        } else {
            format!("{exact} ({} {unit})", self.language.decimal(value, 1))
        }
    }

    /// A province's name: the unknown province's in the page's language.
    fn province_name(self, p: &Value) -> String {
        if p["code"].is_null() {
            escape(self.words.unknown_province)
        } else {
            text(&p["name"])
        }
    }
}

/// The page.
pub(crate) fn render(input: &HtmlInput<'_>) -> String {
    let s = input.summary;
    let locale = Locale {
        language: input.language,
        words: input.language.words(),
        zone: input.zone,
    };
    let w = locale.words;
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n",
        input.language.code()
    );
    let _ = writeln!(
        out,
        "<title>{}</title>",
        escape(&fill(
            w.title,
            &[&locale.pct(num(&s["totals"]["sync_rate"]))]
        ))
    );
    out.push_str("<style>\n");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    headline(&mut out, locale, s);
    quality_warnings(&mut out, locale, s);
    provinces(&mut out, locale, s);
    trend(&mut out, locale, s);
    statuses(&mut out, locale, s);
    backlog(&mut out, locale, s);
    reasons(&mut out, locale, s);
    province_details(&mut out, locale, s);
    schemes(&mut out, locale, s);
    quality(&mut out, locale, s);
    changes(&mut out, locale, s, input.previous);
    examples(
        &mut out,
        locale,
        s,
        input.examples,
        input.previous.is_some(),
    );
    run_info(&mut out, locale, s);
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
    let mut out: Vec<(String, u64)> = statuses_in_order()
        .map(|name| (name.to_string(), int(&s["statuses"][name])))
        .collect();
    if let Some(map) = s["statuses"].as_object() {
        for (name, n) in map {
            if !statuses_in_order().any(|known| known == name) {
                out.push((name.clone(), int(n)));
            }
        }
    }
    out
}

/// The file an auditor reviews the mismatches in: the workbook when the run wrote one.
fn review_file(s: &Value) -> &str {
    s["workbooks"]["mismatches"]
        .as_str()
        .unwrap_or("mismatches.csv")
}

fn headline(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let t = &s["totals"];
    let participants = int(&t["participants"]);
    let synced = int(&t["synced"]);
    let _ = write!(
        out,
        "<header>\n<p class=\"kicker\">{}</p>\n<h1>{}</h1>\n<p class=\"headline\">{}</p>\n",
        w.kicker,
        w.heading,
        fill(
            w.headline,
            &[
                &l.count(synced),
                &l.count(participants),
                &l.pct(num(&t["sync_rate"]))
            ]
        ),
    );
    let not_synced = participants.saturating_sub(synced);
    let _ = write!(
        out,
        "<div class=\"cards\">\n\
         <div class=\"card\"><span class=\"value\">{}</span><span class=\"label\">{}</span></div>\n\
         <div class=\"card\"><span class=\"value\">{}</span><span class=\"label\">{}</span></div>\n\
         <div class=\"card\"><span class=\"value\">{}</span><span class=\"label\">{}</span></div>\n\
         </div>\n",
        l.pct(num(&t["link_rate"])),
        fill(w.card_linked, &[&l.count(int(&t["linked"]))]),
        l.count(not_synced),
        fill(w.card_not_synced, &[&escape(review_file(s))]),
        l.count(int(&t["rejected"])),
        w.card_rejected,
    );
    let run = &s["run"];
    let _ = writeln!(
        out,
        "<p class=\"meta\">{}</p>\n</header>",
        fill(
            w.run_line,
            &[
                &l.time(&run["started"]),
                &l.time(&run["finished"]),
                &text(&s["tool"]["version"])
            ]
        ),
    );
}

/// The inputs' columns whose values are partly unreadable or all empty, under the headline:
/// the figures below are made from them.
fn quality_warnings(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let mut warned = Vec::new();
    for (role, label) in [
        ("participants", w.participants_file),
        ("register", w.register_file),
    ] {
        for c in array(&s["quality"][role]) {
            if matches!(c["gate"].as_str(), Some("warn" | "empty")) {
                warned.push(format!(
                    "{label}: <code>{}</code> {}",
                    text(&c["source"]),
                    match c["gate"].as_str() {
                        Some("empty") => w.column_empty.to_string(),
                        _ => fill(w.column_unreadable, &[&l.pct(num(&c["unreadable_share"]))]),
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
        "<div class=\"warning\" role=\"note\">{}</div>",
        fill(w.quality_warning, &[&warned.join("; ")])
    );
}

/// Each current province's rows per status and its most common reasons, with a link to its
/// workbook when the run wrote one per province (`--split-by province`): where a provincial
/// agency finds its part of the night.
fn province_details(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let provinces = array(&s["provinces"]);
    if provinces.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<section id=\"province-details\">\n<h2>{}</h2>\n\
         <table class=\"details\">\n<thead><tr><th>{}</th>",
        w.details_heading, w.province
    );
    for status in statuses_in_order() {
        let _ = write!(
            out,
            "<th class=\"num\" title=\"{}\">{status}</th>",
            escape(status_meaning(status, l.language))
        );
    }
    let _ = writeln!(
        out,
        "<th>{}</th><th>{}</th></tr></thead>\n<tbody>",
        w.common_reasons, w.rows_to_review
    );
    for p in provinces {
        let code = p["code"].as_str();
        let anchor = code.unwrap_or("unknown");
        let _ = write!(
            out,
            "<tr id=\"province-{}\"><td>{}{}</td>",
            escape(anchor),
            code.map(|c| format!("<code>{}</code> ", escape(c)))
                .unwrap_or_default(),
            l.province_name(p),
        );
        for status in statuses_in_order() {
            let _ = write!(
                out,
                "<td class=\"num\">{}</td>",
                l.count(int(&p["statuses"][status]))
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
                    escape(reason_meaning(r, l.language)),
                    escape(r),
                    l.count(*n)
                )
            })
            .collect();
        let workbook = s["workbooks"]["provinces"][anchor].as_str();
        let link = match workbook {
            Some(path) => format!("<a href=\"{}\">{}</a>", escape(path), escape(path)),
            None => fill(w.rows_in_csv, &["<code>current_province_code</code>"]),
        };
        let _ = writeln!(out, "<td>{}</td><td>{link}</td></tr>", top.join(" · "));
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// Every input column popsync read: how many values were empty, readable and unreadable, and
/// for code columns the most common unreadable codes.
fn quality(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let q = &s["quality"];
    if q.is_null() {
        return;
    }
    let _ = writeln!(
        out,
        "<section id=\"quality\">\n<h2>{}</h2>\n<p class=\"what\">{}</p>",
        w.quality_heading,
        fill(w.quality_note, &[&l.pct(num(&q["max_unreadable"]))])
    );
    for (role, title) in [
        ("participants", w.participants_file_title),
        ("register", w.register_file_title),
    ] {
        let columns = array(&q[role]);
        if columns.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "<h3>{title}</h3>\n<table>\n<thead><tr><th>{}</th><th>{}</th>\
             <th class=\"num\">{}</th><th class=\"num\">{}</th>\
             <th class=\"num\">{}</th><th>{}</th><th>{}</th></tr></thead>\n<tbody>",
            w.column, w.read_as, w.values, w.empty, w.unreadable, w.common_unreadable, w.verdict,
        );
        for c in columns {
            let values = int(&c["values"]);
            let common: Vec<String> = array(&c["common_unreadable"])
                .iter()
                .map(|pair| {
                    format!(
                        "<code>{}</code> ({})",
                        text(&pair[0]),
                        l.count(int(&pair[1]))
                    )
                })
                .collect();
            let verdict = match c["gate"].as_str() {
                Some("warn") => format!("<span class=\"bad\">{}</span>", w.verdict_warn),
                Some("empty") => format!("<span class=\"bad\">{}</span>", w.verdict_empty),
                Some("stop") => format!("<span class=\"bad\">{}</span>", w.verdict_stop),
                _ => w.verdict_read.to_string(),
            };
            let _ = writeln!(
                out,
                "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{} ({})</td><td>{}</td><td>{}</td></tr>",
                text(&c["source"]),
                text(&c["column"]),
                l.count(values),
                l.pct(Some(share(int(&c["empty"]), values))),
                l.count(int(&c["unreadable"])),
                l.pct(num(&c["unreadable_share"])),
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

fn provinces(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let _ = writeln!(
        out,
        "<section id=\"provinces\">\n<h2>{}</h2>",
        w.provinces_heading
    );
    let national = num(&s["totals"]["sync_rate"]);
    let mut rows: Vec<&Value> = array(&s["provinces"])
        .iter()
        .filter(|p| int(&p["participants"]) > 0)
        .collect();
    if rows.is_empty() {
        let _ = writeln!(out, "<p>{}</p>\n</section>", w.no_participants);
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
    let axis = if start > 0.0 {
        fill(w.axis_note, &[&format!("{:.0}%", start * 100.0)])
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<p class=\"note\">{}</p>",
        fill(
            w.chart_note,
            &[
                &rows
                    .iter()
                    .filter(|p| !p["code"].is_null())
                    .count()
                    .to_string(),
                &l.pct(national),
                &axis
            ]
        ),
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
        "<svg class=\"chart\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\">",
        w.chart_label
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
        let bar = x_of(rate) - LABEL;
        let name = l.province_name(p);
        let class = if p["code"].is_null() {
            "bar unknown"
        } else {
            bar_class(rate, national)
        };
        let title = fill(
            w.bar_title,
            &[
                &name,
                &l.count(int(&p["synced"])),
                &l.count(int(&p["participants"])),
                &l.pct(Some(rate)),
            ],
        );
        let _ = writeln!(
            out,
            "<g><title>{title}</title>\
             <text class=\"label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{name}</text>\
             <rect class=\"{class}\" x=\"{LABEL}\" y=\"{:.1}\" width=\"{bar:.1}\" height=\"{:.1}\"/>\
             <text class=\"value\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text></g>",
            LABEL - 8.0,
            y + ROW * 0.68,
            y + 3.0,
            ROW - 6.0,
            WIDTH - 4.0,
            y + ROW * 0.68,
            l.pct(Some(rate)),
        );
    }
    if let Some(n) = national {
        let x = x_of(n);
        let _ = writeln!(
            out,
            "<line class=\"national\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
             <text class=\"national-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{}\">{}</text>",
            TOP - 6.0,
            bars_end + 6.0,
            if x > WIDTH - RIGHT - 110.0 {
                x - 4.0
            } else {
                x + 4.0
            },
            bars_end + 18.0,
            if x > WIDTH - RIGHT - 110.0 {
                "end"
            } else {
                "start"
            },
            fill(w.national, &[&l.pct(Some(n))]),
        );
    }
    out.push_str("</svg>\n");

    let _ = writeln!(
        out,
        "<h3>{}</h3>\n<p class=\"note\">{}</p>\n\
         <table class=\"provinces\">\n<thead><tr><th>{}</th><th>{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th></tr></thead>\n<tbody>",
        w.former_heading,
        w.former_note,
        w.province,
        w.code,
        w.participants,
        w.synced,
        w.sync_rate,
        w.linked,
        w.link_rate,
    );
    for p in array(&s["provinces"]) {
        province_row(out, l, p, None);
        for f in array(&p["former"]) {
            province_row(out, l, f, Some(p));
        }
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// A current province's row, or with `current`, the row of one of its former provinces (or
/// of the participants recorded with the current code itself).
fn province_row(out: &mut String, l: Locale<'_>, p: &Value, current: Option<&Value>) {
    let (class, marker, name) = match current {
        Some(current) if current["code"] == p["code"] => (
            " class=\"former\"",
            "↳ ",
            format!("{} ({})", text(&current["name"]), l.words.current_code_row),
        ),
        Some(_) => (" class=\"former\"", "↳ ", text(&p["name"])),
        None => (" class=\"current\"", "", l.province_name(p)),
    };
    let _ = writeln!(
        out,
        "<tr{class}><td>{marker}{name}</td><td>{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td></tr>",
        text(&p["code"]),
        l.count(int(&p["participants"])),
        l.count(int(&p["synced"])),
        l.pct(num(&p["sync_rate"])),
        l.count(int(&p["linked"])),
        l.pct(num(&p["link_rate"])),
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

fn statuses(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let total = int(&s["totals"]["participants"]);
    let _ = writeln!(
        out,
        "<section id=\"statuses\">\n<h2>{}</h2>",
        w.statuses_heading
    );
    // The reviewers' decisions change rows' statuses (a confirmation links, a rejection sets a
    // person aside), so their line heads the statuses.
    if let Some(line) = review_line(l, s) {
        let _ = writeln!(out, "<p class=\"review\">{line}</p>");
    }
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th>{}</th>\
         <th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th></th></tr>\
         </thead>\n<tbody>",
        w.status, w.meaning, w.rows, w.share
    );
    for (name, n) in status_counts(s) {
        let class = if name == "SYNCED" { "bar" } else { "bar low" };
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td></tr>",
            escape(&name),
            escape(status_meaning(&name, l.language)),
            l.count(n),
            l.pct(Some(share(n, total))),
            mini_bar(share(n, total), class),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn reasons(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let total = int(&s["totals"]["participants"]);
    let _ = writeln!(
        out,
        "<section id=\"reasons\">\n<h2>{}</h2>",
        w.reasons_heading
    );
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
        let _ = writeln!(out, "<p>{}</p>\n</section>", w.no_reasons);
        return;
    }
    // Most frequent first; a stable sort keeps the reasons' order between equal counts.
    rows.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    let max = rows[0].1;
    let _ = writeln!(
        out,
        "<p class=\"note\">{}</p>\n<table>\n<thead><tr><th>{}</th><th>{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th><th></th></tr>\
         </thead>\n<tbody>",
        w.reasons_note, w.reason, w.meaning, w.rows, w.share_of_participants
    );
    for (reason, n) in rows {
        let _ = writeln!(
            out,
            "<tr><td><code>{}</code></td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td></tr>",
            escape(reason),
            escape(reason_meaning(reason, l.language)),
            l.count(n),
            l.pct(Some(share(n, total))),
            mini_bar(share(n, max), "bar below"),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn schemes(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let _ = writeln!(
        out,
        "<section id=\"schemes\">\n<h2>{}</h2>",
        w.schemes_heading
    );
    let rows = array(&s["schemes"]);
    if rows.is_empty() {
        let _ = writeln!(out, "<p>{}</p>\n</section>", w.no_schemes);
        return;
    }
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th>{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th><th></th>\
         <th class=\"num\">{}</th><th class=\"num\">{}</th></tr></thead>\n<tbody>",
        w.scheme, w.participants, w.synced, w.sync_rate, w.linked, w.link_rate
    );
    let national = num(&s["totals"]["sync_rate"]);
    for sc in rows {
        let name = match sc["scheme"].as_str() {
            Some("") | None => format!("<em>{}</em>", w.no_scheme),
            Some(name) => escape(name),
        };
        let rate = num(&sc["sync_rate"]);
        let _ = writeln!(
            out,
            "<tr><td>{name}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            l.count(int(&sc["participants"])),
            l.count(int(&sc["synced"])),
            l.pct(rate),
            mini_bar(
                rate.unwrap_or(0.0),
                bar_class(rate.unwrap_or(0.0), national)
            ),
            l.count(int(&sc["linked"])),
            l.pct(num(&sc["link_rate"])),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn changes(out: &mut String, l: Locale<'_>, s: &Value, previous: Option<&Value>) {
    let w = l.words;
    let _ = writeln!(
        out,
        "<section id=\"changes\">\n<h2>{}</h2>",
        w.changes_heading
    );
    let Some(prev) = previous else {
        // The reason summary.json gives is written for the operator, in English.
        let reason = match s["changes"]["skipped"].as_str() {
            Some(reason) if l.language != Language::English => {
                format!("<span lang=\"en\">{}</span>", escape(reason))
            }
            Some(reason) => escape(reason),
            None => w.no_previous_run.to_string(),
        };
        let _ = writeln!(out, "<p>{}</p>\n</section>", fill(w.no_changes, &[&reason]));
        return;
    };
    let _ = writeln!(
        out,
        "<p class=\"note\">{}</p>",
        fill(w.previous_note, &[&l.time(&prev["run"]["started"])]),
    );
    let now = num(&s["totals"]["sync_rate"]);
    let then = num(&prev["totals"]["sync_rate"]);
    let delta = l.rate_change(then, now);
    let _ = writeln!(
        out,
        "<p class=\"delta\">{}</p>",
        fill(w.rate_change, &[&l.pct(then), &l.pct(now), &delta]),
    );
    let _ = writeln!(
        out,
        "<table>\n<thead><tr><th></th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         <th class=\"num\">{}</th></tr></thead>\n<tbody>",
        w.previous, w.now, w.change
    );
    let participants_then = int(&prev["totals"]["participants"]);
    let participants_now = int(&s["totals"]["participants"]);
    let _ = writeln!(
        out,
        "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
         <td class=\"num\">{}</td></tr>",
        w.participants_row,
        l.count(participants_then),
        l.count(participants_now),
        l.signed_count(participants_now as i128 - participants_then as i128),
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
            l.count(before),
            l.count(n),
            l.signed_count(d),
        );
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

fn examples(
    out: &mut String,
    l: Locale<'_>,
    s: &Value,
    examples: &[ExampleRow],
    with_changes: bool,
) {
    let w = l.words;
    let _ = write!(
        out,
        "<section id=\"samples\">\n<h2>{}</h2>\n<p class=\"files\">",
        w.examples_heading
    );
    let mut files = Vec::new();
    if let Some(workbook) = s["workbooks"]["mismatches"].as_str() {
        files.push((workbook, w.file_mismatches_xlsx));
    }
    files.extend([
        ("mismatches.csv", w.file_mismatches),
        ("results.csv", w.file_results),
        ("rejects.csv", w.file_rejects),
        ("duplicates.csv", w.file_duplicates),
        ("summary.json", w.file_summary),
    ]);
    if with_changes {
        files.push(("changes.csv", w.file_changes));
    }
    let links: Vec<String> = files
        .iter()
        .map(|(f, what)| {
            let f = escape(f);
            format!("<a href=\"{f}\">{f}</a> <span class=\"what\">({what})</span>")
        })
        .collect();
    out.push_str(&links.join(" · "));
    out.push_str("</p>\n");
    if examples.is_empty() {
        let _ = writeln!(out, "<p>{}</p>\n</section>", w.no_examples);
        return;
    }
    let _ = writeln!(out, "<p class=\"note\">{}</p>", w.examples_note);
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
            "<h3>{}</h3>",
            fill(
                w.examples_of_status,
                &[
                    &format!("<code>{}</code>", escape(&status)),
                    &l.count(rows.len() as u64),
                    &l.count(total.max(rows.len() as u64)),
                    &format!("<a href=\"{file}\">{file}</a>"),
                ]
            ),
        );
        let _ = writeln!(
            out,
            "<table class=\"samples\">\n<colgroup><col class=\"line\"><col class=\"code\">\
             <col class=\"name\"><col class=\"reasons\"><col class=\"pid\"></colgroup>\n\
             <thead><tr><th class=\"num\">{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th>\
             </tr></thead>\n<tbody>",
            w.line, w.insurance_code, w.name, w.reasons, w.person_id
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

fn run_info(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let run = &s["run"];
    let mut rows = vec![
        (w.started, l.time(&run["started"])),
        (w.finished, l.time(&run["finished"])),
        (w.elapsed, l.elapsed(num(&run["elapsed_seconds"]))),
    ];
    if !run["threads"].is_null() {
        rows.push((w.threads, text(&run["threads"])));
    }
    let mut tool = match s["tool"]["name"].as_str() {
        Some(name) => format!("{} {}", escape(name), text(&s["tool"]["version"])),
        None => format!("popsync {}", text(&s["tool"]["version"])),
    };
    if let Some(commit) = s["tool"]["commit"].as_str() {
        let _ = write!(tool, " (commit <code>{}</code>)", escape(commit));
    }
    rows.push((w.tool, tool));
    for (label, key) in [
        (w.participants_file_title, "participants"),
        (w.register_file_title, "register"),
    ] {
        let i = &s["inputs"][key];
        if i.is_null() {
            continue;
        }
        let mut desc = format!(
            "<code>{}</code>: {}",
            text(&i["path"]),
            fill(
                w.input_rows,
                &[&l.size(int(&i["bytes"])), &l.count(int(&i["rows"]))]
            ),
        );
        if !i["persons"].is_null() {
            desc.push_str(&fill(w.input_persons, &[&l.count(int(&i["persons"]))]));
        }
        if !i["deceased"].is_null() {
            desc.push_str(&fill(w.input_deceased, &[&l.count(int(&i["deceased"]))]));
        }
        rows.push((label, desc));
    }
    let _ = writeln!(
        out,
        "<section id=\"run\">\n<h2>{}</h2>\n<table class=\"run\">\n<tbody>",
        w.run_heading
    );
    for (label, value) in rows {
        let _ = writeln!(out, "<tr><th>{label}</th><td>{value}</td></tr>");
    }
    out.push_str("</tbody>\n</table>\n</section>\n");
}

/// summary.json's backlog buckets (`history.backlog.nights`), in order: a row open 1 night,
/// 2 to 7, 8 to 30, more than 30, tonight counted.
const AGE_BUCKETS: [&str; 4] = ["1", "2-7", "8-30", "31+"];

/// A count's form in the page's language: `forms` is the singular and the plural, `{0}` the
/// count. Vietnamese has one form for both, so English's rule serves the two languages.
fn counted(l: Locale<'_>, forms: [&str; 2], n: u64) -> String {
    fill(forms[usize::from(n != 1)], &[&l.count(n)])
}

/// The history summary.json carries, when the run kept one.
fn history(s: &Value) -> Option<&Value> {
    Some(&s["history"]).filter(|h| h.is_object())
}

/// Opens the section `id` under `heading` and returns the run's history; without one, says so
/// and closes the section.
fn history_section<'s>(
    out: &mut String,
    l: Locale<'_>,
    s: &'s Value,
    id: &str,
    heading: &str,
) -> Option<&'s Value> {
    let _ = writeln!(out, "<section id=\"{id}\">\n<h2>{heading}</h2>");
    let h = history(s);
    if h.is_none() {
        let _ = writeln!(
            out,
            "<p class=\"no-history\">{}</p>\n</section>",
            l.words.no_history
        );
    }
    h
}

/// The rate of a night's record (`sync_rate`); `None` for a night without rows.
fn rate_of(v: &Value) -> Option<f64> {
    num(&v["sync_rate"]).filter(|r| r.is_finite())
}

/// The trend chart's rate axis: from the 10% step below the lowest rate to the 10% step above
/// the highest, at most 100%, with its gridline step, so that a change of a point or two stays
/// visible and the gridlines stay few (at most 7).
fn trend_axis(lowest: f64, highest: f64) -> (f64, f64, f64) {
    // In tenths, whole numbers, so that the ends are exactly the tenths they print as.
    let start = (axis_start(lowest, None) * 10.0).round();
    let end = ((highest.clamp(0.0, 1.0) * 10.0 + 1e-9).floor() + 1.0)
        .min(10.0)
        .max(start + 1.0);
    let step = match end - start {
        span if span <= 1.0 => 0.02,
        span if span <= 3.0 => 0.05,
        span if span <= 6.0 => 0.1,
        _ => 0.2,
    };
    (start / 10.0, end / 10.0, step)
}

/// The national rate over the nights of the history, then each province's.
fn trend(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let Some(h) = history_section(out, l, s, "trend", w.trend_heading) else {
        return;
    };
    let nights = array(&h["nights"]);
    let file = text(&h["file"]);
    let rates: Vec<Option<f64>> = nights.iter().map(rate_of).collect();
    let known: Vec<f64> = rates.iter().flatten().copied().collect();
    let note = if nights.len() > 1 {
        fill(w.trend_note, &[&l.count(nights.len() as u64), &file])
    } else {
        fill(w.trend_starts, &[&file])
    };
    if known.is_empty() {
        let _ = writeln!(out, "<p class=\"note\">{note}</p>\n</section>");
        return;
    }
    let lowest = known.iter().copied().fold(f64::INFINITY, f64::min);
    let highest = known.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let (start, end, step) = trend_axis(lowest, highest);
    let axis = if start > 0.0 {
        fill(w.axis_note, &[&format!("{:.0}%", start * 100.0)])
    } else {
        String::new()
    };
    let _ = writeln!(out, "<p class=\"note\">{note}{axis}</p>");

    // Chart geometry, in SVG user units; the SVG scales to the page width.
    const WIDTH: f64 = 1000.0;
    const HEIGHT: f64 = 250.0;
    const LEFT: f64 = 56.0;
    const RIGHT: f64 = 48.0;
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 36.0;
    let n = nights.len();
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    // Tonight is always at the right end; a lone night too, where the next nights push it from.
    let x_of = |i: usize| {
        if n <= 1 {
            LEFT + plot_w
        } else {
            LEFT + plot_w * i as f64 / (n - 1) as f64
        }
    };
    let y_of = |rate: f64| TOP + plot_h * (end - rate.clamp(start, end)) / (end - start);
    let _ = writeln!(
        out,
        "<svg class=\"trend\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-label=\"{}\">",
        w.trend_chart_label
    );
    let ticks = ((end - start) / step).round() as u32;
    for i in 0..=ticks {
        let tick = start + step * i as f64;
        let y = y_of(tick);
        let _ = writeln!(
            out,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"axis\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}%</text>",
            WIDTH - RIGHT + 8.0,
            LEFT - 8.0,
            y + 4.0,
            (tick * 100.0).round(),
        );
    }
    // The dates under the points: at most 8, counted back from tonight's, which is always
    // labelled; a date equal to the one labelled to its right (two runs the same day) is left
    // to the points' titles.
    let stride = n.div_ceil(8).max(1);
    let mut labelled: Option<String> = None;
    for i in (0..n).rev() {
        if (n - 1 - i) % stride != 0 {
            continue;
        }
        let date = l.date(&nights[i]["started"]);
        if labelled.as_deref() == Some(date.as_str()) {
            continue;
        }
        let _ = writeln!(
            out,
            "<text class=\"axis date\" x=\"{:.1}\" y=\"{:.1}\" \
             text-anchor=\"middle\">{date}</text>",
            x_of(i),
            HEIGHT - 12.0,
        );
        labelled = Some(date);
    }
    let points: Vec<(f64, f64)> = rates
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.map(|r| (x_of(i), y_of(r))))
        .collect();
    if points.len() > 1 {
        let line: Vec<String> = points
            .iter()
            .map(|(x, y)| format!("{x:.1},{y:.1}"))
            .collect();
        let _ = writeln!(
            out,
            "<polyline class=\"trend\" points=\"{}\"/>",
            line.join(" ")
        );
    }
    for (i, night) in nights.iter().enumerate() {
        let Some(rate) = rates[i] else {
            continue;
        };
        let tonight = i + 1 == n;
        let when = if tonight {
            format!("{} ({})", l.time(&night["started"]), w.tonight)
        } else {
            l.time(&night["started"])
        };
        let title = fill(
            w.trend_point_title,
            &[
                &when,
                &l.pct(Some(rate)),
                &l.count(int(&night["synced"])),
                &l.count(int(&night["participants"])),
            ],
        );
        let (x, y) = (x_of(i), y_of(rate));
        let _ = writeln!(
            out,
            "<g class=\"night\"><title>{title}</title><circle class=\"{}\" cx=\"{x:.1}\" \
             cy=\"{y:.1}\" r=\"{}\"/></g>",
            if tonight { "tonight" } else { "night" },
            if tonight { 6 } else { 4 },
        );
        if tonight {
            let _ = writeln!(
                out,
                "<text class=\"value\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                x - 10.0,
                (y - 10.0).max(12.0),
                l.pct(Some(rate)),
            );
        }
    }
    out.push_str("</svg>\n");
    if n > 1 {
        province_trends(out, l, s, nights);
    }
    out.push_str("</section>\n");
}

/// Each current province's rate over the nights: a sparkline, the first and last rates, and
/// the change.
fn province_trends(out: &mut String, l: Locale<'_>, s: &Value, nights: &[Value]) {
    let w = l.words;
    let mut rows: Vec<(&Value, Vec<Option<f64>>)> = array(&s["provinces"])
        .iter()
        .map(|p| {
            // The history keys a province by its current code, the unknown one by "unknown".
            let key = p["code"].as_str().unwrap_or("unknown");
            let rates: Vec<Option<f64>> = nights
                .iter()
                .map(|night| rate_of(&night["provinces"][key]))
                .collect();
            (p, rates)
        })
        .filter(|(_, rates)| rates.iter().any(Option::is_some))
        .collect();
    if rows.is_empty() {
        return;
    }
    // Lowest rate tonight first, as the provinces chart above is sorted, so that the provinces
    // to act on are on top and both lists read in the same order; a province without rows
    // tonight last; ties by name.
    rows.sort_by(|(a, ra), (b, rb)| {
        let (ta, tb) = (ra.last().copied().flatten(), rb.last().copied().flatten());
        match (ta, tb) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }
        .then_with(|| {
            a["name"]
                .as_str()
                .unwrap_or("")
                .cmp(b["name"].as_str().unwrap_or(""))
        })
    });
    let _ = writeln!(
        out,
        "<h3>{}</h3>\n<p class=\"note\">{}</p>\n<table class=\"trend\">\n<thead><tr><th>{}</th>\
         <th>{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th><th class=\"num\">{}</th>\
         </tr></thead>\n<tbody>",
        w.province_trend_heading,
        w.province_trend_note,
        w.province,
        w.trend_column,
        w.first_night,
        w.tonight_column,
        w.change,
    );
    for (p, rates) in rows {
        let first = rates.iter().flatten().next().copied();
        let last = rates.last().copied().flatten();
        let change = l.rate_change(first, last);
        let _ = writeln!(
            out,
            "<tr><td>{}{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{change}</td></tr>",
            p["code"]
                .as_str()
                .map(|c| format!("<code>{}</code> ", escape(c)))
                .unwrap_or_default(),
            l.province_name(p),
            sparkline(&rates),
            l.pct(first),
            l.pct(last),
        );
    }
    out.push_str("</tbody>\n</table>\n");
}

/// A small line of rates (one per night, `None` for a night without rows), on its own scale at
/// least 2 points high: the direction shows, and a change of a hundredth of a point does not
/// look like a fall. Tonight's rate is a dot.
fn sparkline(rates: &[Option<f64>]) -> String {
    const W: f64 = 120.0;
    const H: f64 = 24.0;
    const PAD: f64 = 4.0;
    const MIN_SPAN: f64 = 0.02;
    let known: Vec<(usize, f64)> = rates
        .iter()
        .enumerate()
        .filter_map(|(i, r)| r.map(|r| (i, r.clamp(0.0, 1.0))))
        .collect();
    let Some(&(last_i, last_rate)) = known.last() else {
        return String::new();
    };
    let mut lo = known.iter().map(|k| k.1).fold(f64::INFINITY, f64::min);
    let mut hi = known.iter().map(|k| k.1).fold(f64::NEG_INFINITY, f64::max);
    if hi - lo < MIN_SPAN {
        let mid = (lo + hi) / 2.0;
        lo = (mid - MIN_SPAN / 2.0).max(0.0);
        hi = (lo + MIN_SPAN).min(1.0);
        lo = hi - MIN_SPAN;
    }
    let n = rates.len();
    let x = |i: usize| {
        if n <= 1 {
            W - PAD
        } else {
            PAD + (W - 2.0 * PAD) * i as f64 / (n - 1) as f64
        }
    };
    let y = |r: f64| PAD + (H - 2.0 * PAD) * (hi - r) / (hi - lo);
    let mut svg = format!(
        "<svg class=\"spark\" viewBox=\"0 0 {W} {H}\" width=\"{W}\" height=\"{H}\" \
         aria-hidden=\"true\">"
    );
    if known.len() > 1 {
        let points: Vec<String> = known
            .iter()
            .map(|&(i, r)| format!("{:.1},{:.1}", x(i), y(r)))
            .collect();
        let _ = write!(svg, "<polyline points=\"{}\"/>", points.join(" "));
    }
    let _ = write!(
        svg,
        "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"2.5\"/></svg>",
        x(last_i),
        y(last_rate)
    );
    svg
}

/// The rows not SYNCED by how many nights they have been open, per status and in total.
fn backlog(out: &mut String, l: Locale<'_>, s: &Value) {
    let w = l.words;
    let Some(h) = history_section(out, l, s, "backlog", w.backlog_heading) else {
        return;
    };
    let b = &h["backlog"];
    let open = int(&b["open"]);
    if open == 0 {
        let _ = writeln!(out, "<p>{}</p>\n</section>", w.no_open_rows);
        return;
    }
    let file = escape(review_file(s));
    let _ = writeln!(
        out,
        "<p class=\"note\">{}</p>",
        fill(w.backlog_note, &[&format!("<a href=\"{file}\">{file}</a>")])
    );
    let _ = write!(
        out,
        "<table class=\"backlog\">\n<thead><tr><th>{}</th>",
        w.status
    );
    for label in w.age_buckets {
        let _ = write!(out, "<th class=\"num\">{label}</th>");
    }
    let _ = writeln!(
        out,
        "<th class=\"num\">{}</th></tr></thead>\n<tbody>",
        w.total
    );
    let by_status = &b["by_status"];
    let mut statuses: Vec<&str> = statuses_in_order()
        .filter(|status| by_status.get(status).is_some())
        .collect();
    if let Some(map) = by_status.as_object() {
        for name in map.keys() {
            if !statuses.contains(&name.as_str()) {
                statuses.push(name);
            }
        }
    }
    let cells = |counts: &Value| -> String {
        let mut row = String::new();
        for bucket in AGE_BUCKETS {
            let _ = write!(
                row,
                "<td class=\"num\" data-nights=\"{bucket}\">{}</td>",
                l.count(int(&counts[bucket]))
            );
        }
        row
    };
    for status in statuses {
        let counts = &by_status[status];
        let total: u64 = AGE_BUCKETS.iter().map(|bucket| int(&counts[*bucket])).sum();
        let _ = writeln!(
            out,
            "<tr><td><code title=\"{}\">{}</code></td>{}\
             <td class=\"num\" data-nights=\"all\">{}</td></tr>",
            escape(status_meaning(status, l.language)),
            escape(status),
            cells(counts),
            l.count(total),
        );
    }
    let _ = writeln!(
        out,
        "</tbody>\n<tfoot><tr class=\"total\"><th>{}</th>{}\
         <td class=\"num\" data-nights=\"all\">{}</td></tr></tfoot>\n</table>\n</section>",
        w.total,
        cells(&b["nights"]),
        l.count(open),
    );
}

/// One line on the reviewers' decisions tonight, when there are any.
fn review_line(l: Locale<'_>, s: &Value) -> Option<String> {
    let w = l.words;
    let r = &s["review"];
    let linked = int(&r["linked_by_confirmation"]);
    let rejected = int(&r["rejections_applied"]);
    let stale = int(&r["stale"]);
    let in_force = int(&r["decisions_in_force"]);
    if linked == 0 && rejected == 0 && stale == 0 && in_force == 0 {
        return None;
    }
    Some(fill(
        w.review_line,
        &[
            &counted(l, w.review_linked, linked),
            &counted(l, w.review_rejected, rejected),
            &counted(l, w.review_stale, stale),
            &counted(l, w.review_in_force, in_force),
        ],
    ))
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
svg.trend { width: 100%; height: auto; display: block; margin: 8px 0 12px; }
svg.trend text { font-family: inherit; font-size: 12.5px; fill: var(--ink); }
svg.trend text.axis { fill: var(--muted); font-size: 11px; }
svg.trend text.value { font-weight: 700; font-variant-numeric: tabular-nums; }
svg.trend line.grid { stroke: var(--line); stroke-width: 1; }
svg.trend polyline.trend { fill: none; stroke: var(--good); stroke-width: 2.5;
  stroke-linejoin: round; }
svg.trend circle { fill: #ffffff; stroke: var(--good); stroke-width: 2; }
svg.trend circle.tonight { fill: var(--good); }
svg.spark { vertical-align: middle; }
svg.spark polyline { fill: none; stroke: var(--good); stroke-width: 1.5; stroke-linejoin: round; }
svg.spark circle { fill: var(--good); }
table.trend td { vertical-align: middle; }
table.backlog tfoot th, table.backlog tfoot td { font-weight: 700; border-top: 2px solid var(--line);
  border-bottom: none; }
.review { background: var(--soft); border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 14px; }
@media print {
  html { font-size: 12px; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  tr, .card, svg.chart g, svg.trend { break-inside: avoid; }
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

    fn page_in(language: Language, summary: &Value, previous: Option<&Value>) -> String {
        render(&HtmlInput {
            summary,
            examples: &examples(),
            previous,
            language,
            zone: &TimeZone::get("Asia/Ho_Chi_Minh").unwrap(),
        })
    }

    fn page(summary: &Value, previous: Option<&Value>) -> String {
        page_in(Language::English, summary, previous)
    }

    const EN: Locale<'static> = Locale {
        language: Language::English,
        words: &crate::report::words::ENGLISH,
        zone: &TimeZone::UTC,
    };

    const VI: Locale<'static> = Locale {
        language: Language::Vietnamese,
        words: &crate::report::words::VIETNAMESE,
        zone: &TimeZone::UTC,
    };

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
        assert_eq!(EN.count(0), "0");
        assert_eq!(EN.count(999), "999");
        assert_eq!(EN.count(1000), "1,000");
        assert_eq!(EN.count(1_234_567), "1,234,567");
        assert_eq!(EN.pct(Some(0.792_666)), "79.27%");
        assert_eq!(EN.pct(Some(1.0)), "100.00%");
        assert_eq!(EN.pct(None), "—");
        assert_eq!(EN.signed_pp(0.0123), "+1.23 pp");
        assert_eq!(EN.signed_pp(-0.005), "\u{2212}0.50 pp");
        assert_eq!(EN.signed_pp(0.000_01), "0.00 pp");
        assert_eq!(EN.signed_count(-1200), "\u{2212}1,200");
        assert_eq!(EN.elapsed(Some(0.3)), "0.3 s");
        assert_eq!(EN.elapsed(Some(3723.0)), "1 h 02 min 03 s");
        assert_eq!(EN.size(211_938), "211,938 bytes (207.0 KiB)");
    }

    #[test]
    fn vietnamese_numbers_group_with_dots_and_mark_decimals_with_commas() {
        assert_eq!(VI.count(12_777), "12.777");
        assert_eq!(VI.pct(Some(0.667_2)), "66,72%");
        assert_eq!(VI.signed_pp(0.0123), "+1,23 điểm phần trăm");
        assert_eq!(VI.signed_count(-1200), "\u{2212}1.200");
        assert_eq!(VI.elapsed(Some(0.3)), "0,3 giây");
        assert_eq!(VI.elapsed(Some(125.0)), "2 phút 05 giây");
        assert_eq!(VI.size(211_938), "211.938 byte (207,0 KiB)");
    }

    #[test]
    fn the_vietnamese_page_is_in_vietnamese_with_local_times() {
        let mut s = summary(2378, 388);
        s["provinces"][0]["former"].as_array_mut().unwrap().push(
            json!({"code": "15", "name": "Lào Cai (current code)", "participants": 1,
                "synced": 1, "sync_rate": 1.0, "linked": 1, "link_rate": 1.0}),
        );
        let html = page_in(Language::Vietnamese, &s, None);
        assert!(
            html.contains("↳ Lào Cai (mã hiện nay)"),
            "the current code's row"
        );
        assert!(html.contains("<html lang=\"vi\">"));
        assert!(html.contains("2.378 trên 3.000 người tham gia đã đồng bộ: 79,27%"));
        assert!(html.contains("<h2>Tỷ lệ đồng bộ theo tỉnh, thành phố</h2>"));
        assert!(html.contains("toàn quốc 79,27%"));
        assert!(
            html.contains(">Không rõ tỉnh</text>"),
            "the unknown province"
        );
        assert!(html.contains("không có lần chạy trước để so sánh"));
        // Reasons keep their codes, with their meaning in Vietnamese.
        assert!(html.contains("<code>id_missing</code></td><td>hồ sơ không có số định danh</td>"));
        // 01:00 UTC is 08:00 in Hà Nội, and the zone is named.
        assert!(html.contains("24/11/2026 08:00:00 (UTC+07:00, Asia/Ho_Chi_Minh)"));
        assert!(!html.contains("participants synchronized"));
        let english = page(&summary(2378, 388), None);
        assert!(english.contains("<html lang=\"en\">"));
        assert!(english.contains("2026-11-24 08:00:00 (UTC+07:00, Asia/Ho_Chi_Minh)"));
    }

    #[test]
    fn the_mismatches_card_points_to_the_workbook_when_there_is_one() {
        let mut s = summary(2378, 388);
        let html = page(&s, None);
        assert!(html.contains("to review in mismatches.csv"));
        s["workbooks"] = json!({ "mismatches": "mismatches.xlsx" });
        let html = page(&s, None);
        assert!(html.contains("to review in mismatches.xlsx"));
        assert!(html.contains("<a href=\"mismatches.xlsx\">mismatches.xlsx</a>"));
    }

    #[test]
    fn page_is_a_utf8_document_with_the_headline() {
        let html = page(&summary(2378, 388), None);
        assert!(html.starts_with("<!DOCTYPE html>"));
        assert!(html.contains("<html lang=\"en\">"));
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
            language: Language::English,
            zone: &TimeZone::UTC,
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

    /// `s` with a history of three nights, tonight last, and a backlog of rows up to a month
    /// old. The odd province has no rows on the middle night, the unknown province none then
    /// either.
    fn with_history(mut s: Value) -> Value {
        s["history"] = json!({
            "file": "/srv/<nightly>.history/history.sqlite",
            "run": 7,
            "nights": [
                {"run": 5, "started": "2026-11-22T01:00:00Z", "participants": 3000,
                 "synced": 2250, "sync_rate": 0.75,
                 "provinces": {
                    "15": {"participants": 120, "synced": 84, "sync_rate": 0.7},
                    "99": {"participants": 10, "synced": 8, "sync_rate": 0.8},
                    "unknown": {"participants": 5, "synced": 5, "sync_rate": 1.0}}},
                {"run": 6, "started": "2026-11-23T01:00:00Z", "participants": 3000,
                 "synced": 2310, "sync_rate": 0.77,
                 "provinces": {
                    "15": {"participants": 120, "synced": 86, "sync_rate": 0.716_666},
                    "unknown": {"participants": 0, "synced": 0, "sync_rate": null}}},
                {"run": 7, "started": "2026-11-24T01:00:00Z", "participants": 3000,
                 "synced": 2378, "sync_rate": 0.792_666,
                 "provinces": {
                    "15": {"participants": 120, "synced": 90, "sync_rate": 0.75},
                    "99": {"participants": 10, "synced": 9, "sync_rate": 0.9},
                    "unknown": {"participants": 5, "synced": 5, "sync_rate": 1.0}}}
            ],
            "backlog": {
                "open": 1622,
                "nights": {"1": 10, "2-7": 412, "8-30": 1200, "31+": 0},
                "by_status": {
                    "NOT_FOUND": {"1": 0, "2-7": 85, "8-30": 0, "31+": 0},
                    "DIFF": {"1": 10, "2-7": 178, "8-30": 1200, "31+": 0},
                    "SUGGESTED": {"1": 0, "2-7": 149, "8-30": 0, "31+": 0}
                }
            }
        });
        s
    }

    /// The part of `html` from `start` to the first `end` after it.
    fn part<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
        let from = html
            .find(start)
            .unwrap_or_else(|| panic!("no {start} in the page"));
        let rest = &html[from..];
        &rest[..rest.find(end).unwrap_or(rest.len())]
    }

    /// The numbers of an SVG `points` list, as (x, y) pairs.
    fn points_of(svg: &str) -> Vec<(f64, f64)> {
        let list = part(svg, "points=\"", "\"/>")["points=\"".len()..].to_string();
        list.split(' ')
            .map(|pair| {
                let (x, y) = pair.split_once(',').unwrap();
                (x.parse().unwrap(), y.parse().unwrap())
            })
            .collect()
    }

    #[test]
    fn the_trend_has_a_point_per_night_tonight_last_and_rightmost() {
        let html = page(&with_history(summary(2378, 388)), None);
        let section = part(&html, "<section id=\"trend\">", "</section>");
        let chart = part(section, "<svg class=\"trend\"", "</svg>");
        assert_eq!(chart.matches("<circle").count(), 3, "{chart}");
        assert_eq!(chart.matches("<polyline").count(), 1);
        let line = points_of(chart);
        assert_eq!(line.len(), 3);
        assert!(line.windows(2).all(|p| p[0].0 < p[1].0), "left to right");
        // The rate rises, so the line climbs (SVG's y grows downwards).
        assert!(line.windows(2).all(|p| p[0].1 > p[1].1), "{line:?}");
        // Tonight is the last point, the biggest, at the right end, and titled so.
        let tonight = &chart[chart.rfind("<g class=\"night\">").unwrap()..];
        assert!(tonight.contains("<circle class=\"tonight\""), "{tonight}");
        assert_eq!(chart.matches("class=\"tonight\"").count(), 1);
        assert!(tonight.contains(
            "<title>2026-11-24 08:00:00 (UTC+07:00, Asia/Ho_Chi_Minh) (tonight): 79.27% \
             synchronized (2,378 of 3,000 participants)</title>"
        ));
        assert!(chart.contains(
            "<title>2026-11-22 08:00:00 (UTC+07:00, Asia/Ho_Chi_Minh): 75.00% synchronized \
             (2,250 of 3,000 participants)</title>"
        ));
        // The nights' dates in the page's zone, and gridlines from 70% to 80%.
        for date in ["2026-11-22", "2026-11-23", "2026-11-24"] {
            assert!(chart.contains(&format!(">{date}</text>")), "{date}");
        }
        for tick in ["70%", "72%", "74%", "76%", "78%", "80%"] {
            assert!(chart.contains(&format!(">{tick}</text>")), "{tick}");
        }
        assert!(section.contains("over the last 3 nights the history holds"));
        assert!(section.contains("<code>/srv/&lt;nightly&gt;.history/history.sqlite</code>"));
        assert!(section.contains("The axis starts at 70%, not 0."));
        assert!(!html.contains("<img"));
    }

    #[test]
    fn each_province_has_its_sparkline_first_and_last_rates_and_change() {
        let html = page(&with_history(summary(2378, 388)), None);
        let table = part(&html, "<table class=\"trend\">", "</table>");
        let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
        assert_eq!(rows.len(), 3, "{table}");
        // Lowest rate tonight first, as the provinces chart.
        assert!(rows[0].contains("<code>15</code> Lào Cai"));
        assert!(rows[1].contains("&lt;img src=x onerror=alert(1)&gt;"));
        assert!(rows[2].contains("unknown province"));
        assert!(rows[0].contains(
            "<td class=\"num\">70.00%</td><td class=\"num\">75.00%</td>\
             <td class=\"num\"><span class=\"better\">+5.00 pp</span></td>"
        ));
        assert_eq!(points_of(rows[0]).len(), 3);
        // No rows on the middle night: the line joins the two nights that have a rate.
        assert_eq!(points_of(rows[1]).len(), 2);
        assert!(rows[1].contains("<td class=\"num\"><span class=\"better\">+10.00 pp</span></td>"));
        assert!(rows[2].contains("<td class=\"num\"><span class=\"same\">0.00 pp</span></td>"));
        for row in rows {
            assert_eq!(row.matches("<circle").count(), 1, "tonight's dot");
        }
    }

    #[test]
    fn the_backlog_has_a_row_per_status_and_a_total() {
        let html = page(&with_history(summary(2378, 388)), None);
        let section = part(&html, "<section id=\"backlog\">", "</section>");
        for label in [
            "1 night",
            "2–7 nights",
            "8–30 nights",
            "more than 30 nights",
        ] {
            assert!(section.contains(&format!("<th class=\"num\">{label}</th>")));
        }
        let rows: Vec<&str> = section.split("<tr").skip(2).collect();
        assert_eq!(rows.len(), 4, "three statuses and the total");
        // The statuses in their documented order, whatever summary.json's.
        assert!(rows[0].contains("<code title=\"") && rows[0].contains(">DIFF</code>"));
        assert!(rows[1].contains(">SUGGESTED</code>"));
        assert!(rows[2].contains(">NOT_FOUND</code>"));
        assert!(rows[0].contains(
            "<td class=\"num\" data-nights=\"1\">10</td>\
             <td class=\"num\" data-nights=\"2-7\">178</td>\
             <td class=\"num\" data-nights=\"8-30\">1,200</td>\
             <td class=\"num\" data-nights=\"31+\">0</td>\
             <td class=\"num\" data-nights=\"all\">1,388</td>"
        ));
        assert!(rows[3].starts_with(" class=\"total\"><th>Total</th>"));
        assert!(rows[3].contains(
            "<td class=\"num\" data-nights=\"1\">10</td>\
             <td class=\"num\" data-nights=\"2-7\">412</td>\
             <td class=\"num\" data-nights=\"8-30\">1,200</td>\
             <td class=\"num\" data-nights=\"31+\">0</td>\
             <td class=\"num\" data-nights=\"all\">1,622</td>"
        ));
        assert!(section.contains("to review in <a href=\"mismatches.csv\">mismatches.csv</a>"));
    }

    #[test]
    fn the_vietnamese_trend_and_backlog_are_in_vietnamese() {
        let html = page_in(
            Language::Vietnamese,
            &with_history(summary(2378, 388)),
            None,
        );
        let trend = part(&html, "<section id=\"trend\">", "</section>");
        assert!(trend.contains("<h2>Diễn biến tỷ lệ đồng bộ</h2>"));
        assert!(trend.contains("qua 3 lần chạy gần nhất"));
        for date in ["22/11/2026", "23/11/2026", "24/11/2026"] {
            assert!(trend.contains(&format!(">{date}</text>")), "{date}");
        }
        assert!(trend.contains(
            "<title>24/11/2026 08:00:00 (UTC+07:00, Asia/Ho_Chi_Minh) (đêm nay): tỷ lệ đồng bộ \
             79,27% (2.378 trên 3.000 người tham gia)</title>"
        ));
        assert!(trend
            .contains("<td class=\"num\"><span class=\"better\">+5,00 điểm phần trăm</span></td>"));
        assert!(trend.contains("<h3>Diễn biến theo tỉnh, thành phố</h3>"));
        let backlog = part(&html, "<section id=\"backlog\">", "</section>");
        assert!(backlog.contains("<th class=\"num\">trên 30 đêm</th>"));
        assert!(backlog.contains("<th>Tổng cộng</th>"));
        assert!(backlog.contains("data-nights=\"all\">1.622</td>"));
        assert!(backlog.contains("data-nights=\"8-30\">1.200</td>"));
        assert!(!html.contains("synchronized"), "English left in");
    }

    #[test]
    fn without_history_both_sections_say_the_run_kept_none() {
        let html = page(&summary(2378, 388), None);
        let sentence = "This run kept no history (<code>--no-history</code>, or \
                        <code>no_history = true</code> in its config)";
        for id in ["trend", "backlog"] {
            let section = part(&html, &format!("<section id=\"{id}\">"), "</section>");
            assert!(section.contains(sentence), "{id}: {section}");
        }
        assert!(!html.contains("<svg class=\"trend\""));
        assert!(!html.contains("data-nights"));
        let vi = page_in(Language::Vietnamese, &summary(2378, 388), None);
        assert_eq!(
            vi.matches("Lần chạy này không lưu lịch sử (<code>--no-history</code>")
                .count(),
            2
        );
    }

    #[test]
    fn a_first_night_says_the_trend_starts_tonight_and_shows_its_point() {
        let mut s = with_history(summary(2378, 388));
        let tonight = s["history"]["nights"][2].clone();
        s["history"]["nights"] = json!([tonight]);
        s["history"]["backlog"] = json!({
            "open": 622, "nights": {"1": 622, "2-7": 0, "8-30": 0, "31+": 0},
            "by_status": {"DIFF": {"1": 622, "2-7": 0, "8-30": 0, "31+": 0}}
        });
        let html = page(&s, None);
        let section = part(&html, "<section id=\"trend\">", "</section>");
        assert!(section.contains("The trend starts tonight"), "{section}");
        let chart = part(section, "<svg class=\"trend\"", "</svg>");
        assert_eq!(chart.matches("<circle").count(), 1);
        assert!(chart.contains("<circle class=\"tonight\""));
        assert!(!chart.contains("<polyline"));
        assert!(
            !section.contains("<table"),
            "no province trend from one night"
        );
        let backlog = part(&html, "<section id=\"backlog\">", "</section>");
        assert!(backlog.contains("data-nights=\"1\">622</td>"));
        // Nothing open: said, no table.
        s["history"]["backlog"] = json!({"open": 0, "nights": {}, "by_status": {}});
        let html = page(&s, None);
        let backlog = part(&html, "<section id=\"backlog\">", "</section>");
        assert!(backlog.contains("No row is open: every row is SYNCED."));
        assert!(!backlog.contains("<table"));
    }

    #[test]
    fn the_trend_axis_keeps_a_change_of_a_point_visible() {
        assert_eq!(trend_axis(0.75, 0.7927), (0.7, 0.8, 0.02));
        assert_eq!(trend_axis(0.8, 0.8), (0.7, 0.9, 0.05));
        assert_eq!(trend_axis(0.45, 0.99), (0.4, 1.0, 0.1));
        assert_eq!(trend_axis(0.05, 0.95), (0.0, 1.0, 0.2));
        assert_eq!(trend_axis(1.0, 1.0), (0.9, 1.0, 0.02));
        assert_eq!(trend_axis(0.0, 0.05), (0.0, 0.1, 0.02));
    }

    #[test]
    fn reviewers_decisions_are_one_line_when_there_are_any() {
        let mut s = summary(2378, 388);
        s["review"] = json!({"linked_by_confirmation": 0, "rejections_applied": 0, "stale": 0,
                             "decisions_in_force": 0});
        assert!(!page(&s, None).contains("Reviewers' decisions"));
        assert!(!page(&summary(2378, 388), None).contains("Reviewers' decisions"));
        s["review"] = json!({"linked_by_confirmation": 1200, "rejections_applied": 3,
                             "stale": 1, "decisions_in_force": 1215});
        let html = page(&s, None);
        let statuses = part(&html, "<section id=\"statuses\">", "</section>");
        assert!(
            statuses.contains(
                "<p class=\"review\">Reviewers' decisions: 1,200 rows linked by confirmation, \
             3 rejections applied, 1 stale decision to review again (reason \
             <code>review_stale</code>); 1,215 insurance codes have a decision in force.</p>"
            ),
            "{statuses}"
        );
        // Decisions in force that changed nothing tonight are still said.
        s["review"] = json!({"linked_by_confirmation": 0, "rejections_applied": 0, "stale": 0,
                             "decisions_in_force": 1});
        assert!(page(&s, None).contains(
            "0 rows linked by confirmation, 0 rejections applied, 0 stale decisions to review \
             again (reason <code>review_stale</code>); 1 insurance code has a decision in force."
        ));
        s["review"]["linked_by_confirmation"] = json!(1200);
        let vi = page_in(Language::Vietnamese, &s, None);
        assert!(vi.contains(
            "Quyết định của người kiểm tra: 1.200 dòng được liên kết theo quyết định xác nhận, \
             0 quyết định từ chối đã được áp dụng"
        ));
    }
}
