//! report.html in a real browser: headless Chromium loads the page a real run writes from a
//! file, with networking off, and the DOM it builds must show the headline, the provinces (with
//! the former provinces they absorbed) and the Vietnamese names, and hold the `<script>`
//! participant as text, never as an element.
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

/// The page popsync itself writes, end to end: a real run on the committed fixtures plus a
/// participant whose name is a script, opened in Chromium.
#[test]
fn chromium_renders_the_report_a_real_run_writes() {
    let Some(chromium) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut participants = std::fs::read_to_string(fixtures.join("participants.csv")).unwrap();
    // First in the file, so it is among the report's example NOT_FOUND or SUGGESTED rows.
    let header_end = participants.find('\n').unwrap() + 1;
    participants.insert_str(
        header_end,
        "9999999999,<script>alert(1)</script>,01/01/1990,Nam,,001,health\n",
    );
    std::fs::write(dir.path().join("participants.csv"), participants).unwrap();
    let out = dir.path().join("out");
    let status = Command::new(env!("CARGO_BIN_EXE_popsync"))
        .arg("reconcile")
        .arg("--participants")
        .arg(dir.path().join("participants.csv"))
        .arg("--register")
        .arg(fixtures.join("population.csv"))
        .arg("--out")
        .arg(&out)
        .arg("-q")
        .status()
        .unwrap();
    assert!(status.success());
    let summary: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("summary.json")).unwrap()).unwrap();
    let rate = format!(
        "{:.2}%",
        summary["totals"]["sync_rate"].as_f64().unwrap() * 100.0
    );
    let dom = dump_dom(
        &chromium,
        &out.join("report.html"),
        &dir.path().join("profile"),
    );
    assert!(dom.contains("participants synchronized"), "no headline");
    assert!(dom.contains(&rate), "no headline rate {rate}");
    assert!(dom.contains("Hà Nội"), "no province row");
    // Tuyên Quang absorbed Hà Giang in 2025: the former province has a row of its own.
    assert!(dom.contains("Tuyên Quang"), "no merged province row");
    assert!(dom.contains("Hà Giang"), "no former province row");
    assert!(dom.contains("No changes are shown: there is no previous set in"));
    assert!(dom.contains("Nguyễn"), "no Vietnamese name");
    assert!(
        dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "the script name is not shown as text"
    );
    assert!(!dom.contains("<script"), "a script element was created");
}
