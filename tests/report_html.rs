//! report.html in a real browser: headless Chromium loads the page a real run writes from a
//! file, with networking off, in Vietnamese (the default) and in English. The DOM it builds
//! must show the headline in the page's language and number format, times in the machine's
//! zone, the provinces (with the former provinces they absorbed, each with its counts per
//! status and reason and the link to its workbook) and the Vietnamese names, and hold the
//! `<script>` participant as text, never as an element. Three nights run into one folder show
//! the trend of their rates and the rows not SYNCED by age, as summary.json's history has them.
//!
//! Needs `/usr/bin/chromium` (`.ci/run` installs it). Without it the test fails when `CI` is set
//! and prints a notice and passes otherwise.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHROMIUM: &str = "/usr/bin/chromium";

fn chromium() -> Option<PathBuf> {
    let path = PathBuf::from(CHROMIUM);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{CHROMIUM} is missing and CI is set: the report.html browser test cannot run");
    }
    eprintln!("notice: {CHROMIUM} is missing; skipping the report.html browser test");
    None
}

/// Runs headless Chromium on `page` and returns the DOM it built, killing it after a minute.
fn dump_dom(chromium: &Path, page: &Path, profile: &Path) -> String {
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || std::io::read_to_string(stdout).unwrap());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if start.elapsed() > Duration::from_secs(60) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let dom = reader.join().unwrap();
    assert!(status.success(), "chromium failed: {status}");
    dom
}

/// A count as a Vietnamese reader writes it: `12.777`.
fn vi_count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A rate as a Vietnamese reader writes it: `66,72%`.
fn vi_rate(rate: f64) -> String {
    format!("{:.2}%", rate * 100.0).replace('.', ",")
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A real run on the committed fixtures plus a participant whose name is a script, with
/// `extra` flags, its clock in Hà Nội's zone; returns the run's folder and its summary.json.
fn reconcile(dir: &Path, extra: &[&str]) -> (PathBuf, serde_json::Value) {
    let mut participants = std::fs::read_to_string(fixtures().join("participants.csv")).unwrap();
    // First in the file, so it is among the report's example NOT_FOUND or SUGGESTED rows.
    let header_end = participants.find('\n').unwrap() + 1;
    participants.insert_str(
        header_end,
        "9999999999,<script>alert(1)</script>,01/01/1990,Nam,,001,health\n",
    );
    run_night(dir, &participants, extra)
}

/// A real run of `participants` against the committed register into `dir/out` (so each call
/// is a night of the same output folder and history), with `extra` flags, its clock in Hà
/// Nội's zone; returns the run's folder and its summary.json.
fn run_night(dir: &Path, participants: &str, extra: &[&str]) -> (PathBuf, serde_json::Value) {
    let fixtures = fixtures();
    std::fs::write(dir.join("participants.csv"), participants).unwrap();
    let out = dir.join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_popsync"))
        .env("TZ", "Asia/Ho_Chi_Minh")
        .arg("reconcile")
        .arg("--participants")
        .arg(dir.join("participants.csv"))
        .arg("--register")
        .arg(fixtures.join("population.csv"))
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .args(extra)
        .status()
        .unwrap();
    assert!(status.success());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    (out, summary)
}

/// What every page shows, whatever its language: the provinces (with the former provinces
/// they absorbed), the Vietnamese names, and the `<script>` participant as text.
#[track_caller]
fn assert_provinces_names_and_escaping(dom: &str) {
    assert!(dom.contains("Hà Nội"), "no province row");
    // Tuyên Quang absorbed Hà Giang in 2025: the former province has a row of its own.
    assert!(dom.contains("Tuyên Quang"), "no merged province row");
    assert!(dom.contains("Hà Giang"), "no former province row");
    assert!(dom.contains("Nguyễn"), "no Vietnamese name");
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the script name is not shown as text"
    );
    assert!(!dom.contains("<script"), "a script element was created");
}

/// The Vietnamese page (the default) as Chromium builds it: Vietnamese labels and numbers,
/// times in the machine's zone, and each province's row with its counts per status and reason
/// and the link to its workbook.
#[test]
fn chromium_renders_the_vietnamese_report_with_a_way_down_to_each_province() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (out, summary) = reconcile(dir.path(), &["--split-by", "province"]);
    let dom = dump_dom(
        &chromium,
        &out.join("report.html"),
        &dir.path().join("profile"),
    );
    assert!(dom.contains("<html lang=\"vi\">"), "not marked Vietnamese");
    assert!(
        dom.contains("Báo cáo đồng bộ dữ liệu"),
        "no Vietnamese title"
    );
    assert!(
        dom.contains("Tỷ lệ đồng bộ theo tỉnh, thành phố"),
        "no Vietnamese label"
    );
    let totals = &summary["totals"];
    let headline = format!(
        "{} trên {} người tham gia đã đồng bộ: {}",
        vi_count(totals["synced"].as_u64().unwrap()),
        vi_count(totals["participants"].as_u64().unwrap()),
        vi_rate(totals["sync_rate"].as_f64().unwrap()),
    );
    assert!(
        headline.contains(','),
        "{headline}: a Vietnamese decimal comma"
    );
    assert!(dom.contains(&headline), "no headline {headline}");
    assert!(
        dom.contains("(UTC+07:00, Asia/Ho_Chi_Minh)"),
        "times are not in the machine's zone"
    );
    assert!(
        dom.contains("Không hiển thị thay đổi"),
        "no word on the changes"
    );
    assert_provinces_names_and_escaping(&dom);

    // The province with the most rows: its row in the report, by its anchor.
    let province = summary["provinces"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| !p["code"].is_null())
        .max_by_key(|p| p["participants"].as_u64().unwrap())
        .unwrap();
    let code = province["code"].as_str().unwrap();
    let row = dom
        .split(&format!("<tr id=\"province-{code}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("no row for province {code}"));
    let row = &row[..row.find("</tr>").unwrap()];
    for status in [
        "SYNCED",
        "DIFF",
        "SUGGESTED",
        "AMBIGUOUS",
        "NOT_FOUND",
        "REJECTED",
    ] {
        let n = province["statuses"][status].as_u64().unwrap();
        assert!(
            row.contains(&format!("<td class=\"num\">{}</td>", vi_count(n))),
            "province {code}: {status} {n} in {row}"
        );
    }
    let mut reasons: Vec<(&String, u64)> = province["reasons"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(reason, n)| (reason, n.as_u64().unwrap()))
        .collect();
    reasons.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
    assert!(!reasons.is_empty(), "province {code} has no reasons");
    let (reason, n) = reasons[0];
    assert!(
        row.contains(&format!("<code>{reason}</code> {}", vi_count(n))),
        "province {code}: {reason} {n} in {row}"
    );
    let workbook = summary["workbooks"]["provinces"][code].as_str().unwrap();
    assert!(out.join(workbook).is_file(), "{workbook}");
    assert!(
        row.contains(&format!("<a href=\"{workbook}\">")),
        "province {code}: no link to {workbook} in {row}"
    );
}

/// The same run with `--lang en`: the English page, English numbers.
#[test]
fn chromium_renders_the_english_report() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (out, summary) = reconcile(dir.path(), &["--lang", "en"]);
    let dom = dump_dom(
        &chromium,
        &out.join("report.html"),
        &dir.path().join("profile"),
    );
    assert!(dom.contains("<html lang=\"en\">"), "not marked English");
    let rate = format!(
        "{:.2}%",
        summary["totals"]["sync_rate"].as_f64().unwrap() * 100.0
    );
    assert!(dom.contains("participants synchronized"), "no headline");
    assert!(
        dom.contains(&format!("synchronized: {rate}")),
        "no headline rate {rate}"
    );
    assert!(
        dom.contains("Synchronization rate by province"),
        "no English label"
    );
    assert!(dom.contains("No changes are shown: there is no previous set in"));
    assert!(
        dom.contains("The trend starts tonight"),
        "a first night's trend"
    );
    assert!(dom.contains("(UTC+07:00, Asia/Ho_Chi_Minh)"));
    assert!(
        !dom.contains("người tham gia đã đồng bộ"),
        "Vietnamese left in"
    );
    assert_provinces_names_and_escaping(&dom);
}

/// The committed participants with the ID of every `nth` row left out: those rows cannot be
/// SYNCED, so each night's rate and open rows differ.
fn participants_without_every(nth: usize) -> String {
    let text = std::fs::read_to_string(fixtures().join("participants.csv")).unwrap();
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.lines().enumerate() {
        let mut fields: Vec<&str> = line.split(',').collect();
        // insurance_code,full_name,dob,gender,person_id,province_code,scheme
        assert_eq!(fields.len(), 7, "line {}: {line}", i + 1);
        if i > 0 && i % nth == 0 {
            fields[4] = "";
        }
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

/// The number in the element after `marker` (`…">1.234</td>`), as a Vietnamese page writes it.
#[track_caller]
fn number_after(html: &str, marker: &str) -> String {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("no {marker} in {html}"));
    let rest = &html[at + marker.len()..];
    let rest = &rest[rest.find('>').unwrap() + 1..];
    rest[..rest.find('<').unwrap()].to_string()
}

/// Three nights into one output folder, each with other rows' IDs left out: the page of the
/// third shows the three nights' rates as three points, tonight last, and the rows not SYNCED
/// by age, with the counts summary.json's history holds.
#[test]
fn chromium_renders_three_nights_of_trend_and_the_backlog_by_age() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let mut rates = Vec::new();
    let mut summary = serde_json::Value::Null;
    let mut out = PathBuf::new();
    // Night 3 leaves out rows the nights before kept, so some of its open rows are new.
    for nth in [7, 11, 13] {
        (out, summary) = run_night(dir.path(), &participants_without_every(nth), &[]);
        rates.push(summary["totals"]["sync_rate"].as_f64().unwrap());
    }
    assert!(
        rates[0] != rates[1] && rates[1] != rates[2],
        "the nights' rates should differ: {rates:?}"
    );
    let history = &summary["history"];
    let nights = history["nights"].as_array().unwrap();
    assert_eq!(nights.len(), 3, "{history}");
    let backlog = &history["backlog"];
    let fresh = backlog["nights"]["1"].as_u64().unwrap();
    let older = backlog["nights"]["2-7"].as_u64().unwrap();
    assert!(fresh > 0 && older > 0, "both ages present: {backlog}");

    let dom = dump_dom(
        &chromium,
        &out.join("report.html"),
        &dir.path().join("profile"),
    );
    let section = |id: &str| -> String {
        let start = dom
            .find(&format!("<section id=\"{id}\">"))
            .unwrap_or_else(|| panic!("no {id} section"));
        let rest = &dom[start..];
        rest[..rest.find("</section>").unwrap()].to_string()
    };

    let trend = section("trend");
    let chart = &trend[trend.find("<svg class=\"trend\"").expect("no trend chart")..];
    let chart = &chart[..chart.find("</svg>").unwrap()];
    assert_eq!(chart.matches("<circle").count(), 3, "{chart}");
    let points = chart.split("points=\"").nth(1).expect("no trend line");
    let points = &points[..points.find('"').unwrap()];
    assert_eq!(points.split_whitespace().count(), 3, "{points}");
    // Tonight's point is the last, titled with its rate.
    let tonight = &chart[chart.rfind("<g class=\"night\">").unwrap()..];
    assert!(tonight.contains("class=\"tonight\""), "{tonight}");
    assert!(
        tonight.contains(&vi_rate(rates[2])),
        "tonight's rate {} in {tonight}",
        vi_rate(rates[2])
    );

    let backlog_html = section("backlog");
    let total = &backlog_html[backlog_html
        .find("<tr class=\"total\">")
        .expect("no total row")..];
    assert_eq!(
        number_after(total, "data-nights=\"all\""),
        vi_count(backlog["open"].as_u64().unwrap()),
        "the total of open rows in {total}"
    );
    assert_eq!(number_after(total, "data-nights=\"1\""), vi_count(fresh));
    assert_eq!(number_after(total, "data-nights=\"2-7\""), vi_count(older));
    // Each status's row as summary.json has it.
    for (status, counts) in backlog["by_status"].as_object().unwrap() {
        let row = &backlog_html[backlog_html
            .find(&format!(">{status}</code>"))
            .unwrap_or_else(|| panic!("no {status} row"))..];
        assert_eq!(
            number_after(row, "data-nights=\"1\""),
            vi_count(counts["1"].as_u64().unwrap()),
            "{status}"
        );
    }
}
