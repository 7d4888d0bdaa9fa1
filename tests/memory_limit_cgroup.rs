//! A memory limit on the cgroup popsync runs in, as systemd's `MemoryMax=` or a container
//! runtime sets it, refuses a run that would not fit, before any work, with a message naming the
//! memory the run needs and the limit; under a limit it fits in, the same run succeeds.
//!
//! Measured for real: each test makes a child memory cgroup of its own with a limit (cgroup v2,
//! or the v1 memory controller as in the hybrid layout), runs the built binary inside it and
//! removes the cgroup afterwards. Making a cgroup needs root and a writable cgroup file system
//! with the memory controller: on a machine without them the tests print a `notice:` line and
//! pass, under CI too, since what is missing is the machine's, not the code's.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_popsync");

/// A child memory cgroup made for one test, removed when dropped.
struct Cgroup {
    dir: PathBuf,
}

impl Cgroup {
    /// Makes a cgroup named `name` under the process's own memory cgroup (or, in v2, under the
    /// root, when the own one cannot hand the memory controller to a child) with a limit of
    /// `limit` bytes, and checks that a shell can join it; `Err` says why it could not.
    fn with_limit(name: &str, limit: u64) -> Result<Cgroup, String> {
        let mut why = Vec::new();
        for (parent, limit_file) in parents() {
            match Cgroup::make(&parent, name, limit_file, limit) {
                Ok(cgroup) => return Ok(cgroup),
                Err(e) => why.push(format!("{}: {e}", parent.display())),
            }
        }
        if why.is_empty() {
            why.push("no memory cgroup hierarchy in /proc/self/cgroup and mountinfo".into());
        }
        Err(why.join("; "))
    }

    fn make(parent: &Path, name: &str, limit_file: &str, limit: u64) -> Result<Cgroup, String> {
        let dir = parent.join(format!("popsync-test-{}-{name}", std::process::id()));
        std::fs::create_dir(&dir).map_err(|e| format!("mkdir: {e}"))?;
        let cgroup = Cgroup { dir };
        if limit_file == "memory.max" && !cgroup.dir.join("memory.max").exists() {
            std::fs::write(parent.join("cgroup.subtree_control"), "+memory")
                .map_err(|e| format!("enabling the memory controller: {e}"))?;
        }
        std::fs::write(cgroup.dir.join(limit_file), limit.to_string())
            .map_err(|e| format!("writing {limit_file}: {e}"))?;
        // A shell joins it and shows where it is: proof that the runs below are inside it.
        let probe = cgroup
            .command("cat")
            .arg("/proc/self/cgroup")
            .output()
            .map_err(|e| format!("sh: {e}"))?;
        let here = String::from_utf8_lossy(&probe.stdout);
        let leaf = cgroup.dir.file_name().unwrap().to_string_lossy();
        if !probe.status.success() || !here.lines().any(|l| l.ends_with(&*leaf)) {
            return Err(format!(
                "a shell cannot join it: {}{}",
                String::from_utf8_lossy(&probe.stderr),
                here
            ));
        }
        Ok(cgroup)
    }

    /// `program` run by a shell that first moves itself into the cgroup.
    fn command(&self, program: &str) -> Command {
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(r#"echo $$ > "$POPSYNC_TEST_CGROUP_PROCS" && exec "$0" "$@""#)
            .arg(program)
            .env("POPSYNC_TEST_CGROUP_PROCS", self.dir.join("cgroup.procs"))
            .stdin(Stdio::null());
        cmd
    }

    /// `popsync reconcile` on the fixtures into `out`, inside the cgroup.
    fn reconcile(&self, out: &Path) -> Output {
        self.command(BIN)
            .args([
                "reconcile",
                "--participants",
                "fixtures/participants.csv",
                "--register",
                "fixtures/population.csv",
                "--out",
            ])
            .arg(out)
            .arg("-q")
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("running popsync in a cgroup")
    }
}

impl Drop for Cgroup {
    fn drop(&mut self) {
        // The runs were waited for, so no process is left in it; the kernel may take a moment
        // to see the last one gone.
        for _ in 0..100 {
            if std::fs::remove_dir(&self.dir).is_ok() || !self.dir.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        eprintln!("notice: could not remove the cgroup {}", self.dir.display());
    }
}

/// The folders a test cgroup can be made in, with the file that holds a limit there: the
/// process's own cgroup in the v1 memory hierarchy and in the v2 one, then the v2 root.
fn parents() -> Vec<(PathBuf, &'static str)> {
    let read = |path| std::fs::read_to_string(path).unwrap_or_default();
    let (membership, mountinfo) = (read("/proc/self/cgroup"), read("/proc/self/mountinfo"));
    // (root, mount point, type, super options) of each cgroup mount.
    let mounts: Vec<(&str, &str, &str, &str)> = mountinfo
        .lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            let dash = fields.iter().skip(6).position(|&f| f == "-")? + 6;
            Some((
                fields[3],
                fields[4],
                *fields.get(dash + 1)?,
                *fields.get(dash + 3)?,
            ))
        })
        .collect();
    let mut parents = Vec::new();
    for line in membership.lines() {
        let mut fields = line.splitn(3, ':');
        let (Some(id), Some(controllers), Some(path)) =
            (fields.next(), fields.next(), fields.next())
        else {
            continue;
        };
        let v2 = id == "0" && controllers.is_empty();
        if !v2 && !controllers.split(',').any(|c| c == "memory") {
            continue;
        }
        for &(root, mount_point, fstype, options) in &mounts {
            let mounted = if v2 {
                fstype == "cgroup2"
            } else {
                fstype == "cgroup" && options.split(',').any(|o| o == "memory")
            };
            let Ok(below) = Path::new(path).strip_prefix(root) else {
                continue;
            };
            if !mounted {
                continue;
            }
            if v2 {
                parents.push((Path::new(mount_point).join(below), "memory.max"));
                parents.push((PathBuf::from(mount_point), "memory.max"));
            } else {
                parents.push((Path::new(mount_point).join(below), "memory.limit_in_bytes"));
            }
        }
    }
    parents.dedup();
    parents
}

/// The cgroup of the test, or `None` after a notice when this machine cannot make one.
fn cgroup_or_notice(name: &str, limit: u64) -> Option<Cgroup> {
    match Cgroup::with_limit(name, limit) {
        Ok(cgroup) => Some(cgroup),
        Err(why) => {
            println!("notice: no memory cgroup could be made here, so this is not tested: {why}");
            None
        }
    }
}

/// The sizes "needs about X of memory, and Y is available" names, in bytes.
fn needed_and_available(message: &str) -> (u64, u64) {
    let size = |text: &str| -> u64 {
        let (number, unit) = text.trim().split_once(' ').expect("a size and its unit");
        let number: f64 = number.parse().expect("a number");
        let unit = match unit {
            "MB" => 1u64 << 20,
            "GB" => 1 << 30,
            other => panic!("unit {other:?}"),
        };
        (number * unit as f64) as u64
    };
    let (_, rest) = message.split_once("needs about ").expect("`needs about`");
    let (needed, rest) = rest.split_once(" of memory, and ").expect("`of memory`");
    let (available, _) = rest.split_once(" is available").expect("`is available`");
    (size(needed), size(available))
}

#[test]
fn a_cgroup_memory_limit_below_the_estimate_refuses_the_run_before_any_work() {
    let Some(cgroup) = cgroup_or_notice("small", 64 << 20) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = cgroup.reconcile(&out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code().unwrap_or_else(|| {
        panic!(
            "popsync was killed ({}) in a 64 MiB cgroup instead of refusing the run: {stderr}",
            output.status
        )
    });
    assert_eq!(code, 1, "{stderr}");
    let errors: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("popsync: error: "))
        .collect();
    assert_eq!(errors.len(), 1, "{stderr}");
    let message = errors[0];
    println!("{message}");
    let (needed, available) = needed_and_available(message);
    // The limit is the cgroup's (not --memory-limit, not the machine's), the need the run's
    // estimate: its fixed part alone is 200 MB.
    assert_eq!(available, 64 << 20, "{message}");
    assert!(needed >= 200 << 20, "{message}");
    assert!(!message.contains("--memory-limit"), "{message}");
    assert!(
        message.contains("population.csv") && message.contains("more memory"),
        "{message}"
    );
    // Nothing was published.
    let published: Vec<_> = std::fs::read_dir(&out)
        .map(|entries| entries.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(published.is_empty(), "{published:?}");
    drop(cgroup);
}

#[test]
fn the_same_run_under_a_cgroup_limit_it_fits_in_succeeds() {
    let Some(cgroup) = cgroup_or_notice("large", 4 << 30) else {
        return;
    };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let output = cgroup.reconcile(&out);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(out.join("results.csv").is_file(), "{stderr}");
    assert!(out.join("summary.json").is_file(), "{stderr}");
    drop(cgroup);
}
