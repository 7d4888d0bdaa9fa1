//! Resource bounds: a run that cannot fit in memory says so before it starts, naming the size it
//! needs, instead of being killed by the operating system half-way through the night.

use std::path::{Component, Path, PathBuf};

/// Peak memory of a run, estimated from the input sizes, fitted with a margin to the peak
/// memory measured on `popsync synth` data at 1M, 10M and 100M in its heavy mix, the hard
/// night's (BENCHMARKS.md): the register is held (about 1.9 × its file size with the ID table
/// and the blocking index), participants are streamed (about 1.3 × their file size for the
/// per-row link log, the rows kept for the search and their outcomes until the claims on a
/// person are settled), and the buffers and what the allocator keeps between chunks take
/// 200 MB and a quarter of the inputs' size, up to 512 MB (a quarter of 1.2 GB: the peaks grow
/// faster than the inputs up to 10M, slower after). A night of mostly SYNCED rows needs less:
/// the input sizes do not say which night it is, so the estimate is the hard one's.
pub(crate) fn estimate_peak(register_bytes: u64, participants_bytes: u64) -> u64 {
    let inputs = register_bytes.saturating_add(participants_bytes);
    let working = ((200 << 20) + inputs / 4).min(512 << 20);
    register_bytes.saturating_mul(19) / 10 + participants_bytes.saturating_mul(13) / 10 + working
}

/// Memory this process may use: the smaller of the memory the system reports available
/// (`MemAvailable` in `/proc/meminfo`) and the memory limit of the cgroup the process runs in
/// (see [`cgroup_memory_limit`]), when they can be read (Linux); `None` elsewhere.
pub(crate) fn available_memory() -> Option<u64> {
    let read = |path: &Path| std::fs::read_to_string(path).ok();
    let available = read(Path::new("/proc/meminfo")).and_then(|text| {
        text.lines()
            .find_map(|l| l.strip_prefix("MemAvailable:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb.saturating_mul(1024))
    });
    let cgroup = cgroup_memory_limit(read);
    match (available, cgroup) {
        (Some(a), Some(c)) => Some(a.min(c)),
        (a, c) => a.or(c),
    }
}

/// A limit at or above this (2^62) is no limit: cgroup v1 writes "unlimited" as the largest
/// page-aligned `i64`, 9223372036854771712.
const UNLIMITED: u64 = 1 << 62;

/// A cgroup hierarchy that can hold the process's memory limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hierarchy {
    /// cgroup v1, the hierarchy the `memory` controller is attached to.
    V1Memory,
    /// cgroup v2, the unified hierarchy.
    V2,
}

impl Hierarchy {
    /// The file of a cgroup's folder that holds its memory limit.
    fn limit_file(self) -> &'static str {
        match self {
            Hierarchy::V1Memory => "memory.limit_in_bytes",
            Hierarchy::V2 => "memory.max",
        }
    }

    /// Whether a mount of file system type `fstype` with super options `options` (a line of
    /// `/proc/self/mountinfo`) is this hierarchy.
    fn is_mounted_as(self, fstype: &str, options: &str) -> bool {
        match self {
            Hierarchy::V1Memory => fstype == "cgroup" && options.split(',').any(|o| o == "memory"),
            Hierarchy::V2 => fstype == "cgroup2",
        }
    }
}

/// The memory limit of the cgroup this process runs in, `None` when there is none or it cannot
/// be read. A limit set by systemd (`MemoryMax=`) or a container runtime is on the process's
/// own cgroup or one of its ancestors, not on the root cgroup, so the lookup goes:
/// 1. `/proc/self/cgroup` names the process's cgroup in each hierarchy: `0::/path` in the
///    unified (v2) one, `N:controllers:/path` in a v1 one, of which the one whose controllers
///    include `memory` counts;
/// 2. `/proc/self/mountinfo` tells where that hierarchy is mounted (`cgroup2`, or `cgroup`
///    with the `memory` super option) and which cgroup the mount shows at its mount point (its
///    root field): in a container that root is often the container's own cgroup, so the
///    folder is the mount point joined with the cgroup path less that root;
/// 3. the limit is the smallest found in that folder and each parent folder up to the mount
///    point, since every ancestor's limit binds the process too: `memory.max` in v2 (`max` is
///    no limit), `memory.limit_in_bytes` in v1 (2^62 and above is no limit).
///
/// Both kinds are looked at, so the hybrid layout (v2 at `/sys/fs/cgroup/unified`, the memory
/// controller on v1 at `/sys/fs/cgroup/memory`) is read too; the smaller limit counts. `read`
/// gives a file's text, `None` when it cannot be read: the lookup reads nothing else, so it
/// can be run over files that stand in for `/proc` and `/sys`.
fn cgroup_memory_limit(read: impl Fn(&Path) -> Option<String>) -> Option<u64> {
    let membership = read(Path::new("/proc/self/cgroup"))?;
    let mountinfo = read(Path::new("/proc/self/mountinfo"))?;
    membership
        .lines()
        .filter_map(own_cgroup)
        .filter_map(|(hierarchy, path)| {
            let (mount_point, dir) = cgroup_dir(&mountinfo, hierarchy, path)?;
            dir.ancestors()
                .take_while(|d| d.starts_with(&mount_point))
                .filter_map(|d| read(&d.join(hierarchy.limit_file())))
                .filter_map(|text| text.trim().parse::<u64>().ok())
                .filter(|&limit| limit < UNLIMITED)
                .min()
        })
        .min()
}

/// The hierarchy and cgroup path a line of `/proc/self/cgroup` names, when it is one that can
/// hold a memory limit.
fn own_cgroup(line: &str) -> Option<(Hierarchy, &str)> {
    let mut fields = line.splitn(3, ':');
    let (id, controllers, path) = (fields.next()?, fields.next()?, fields.next()?);
    if id == "0" && controllers.is_empty() {
        Some((Hierarchy::V2, path))
    } else if controllers.split(',').any(|c| c == "memory") {
        Some((Hierarchy::V1Memory, path))
    } else {
        None
    }
}

/// The mount point of `hierarchy` and the folder of the cgroup at `path` under it, from the
/// text of `/proc/self/mountinfo`. Of the mounts of the hierarchy, the one whose root is the
/// longest ancestor of `path` shows it; a path that is not absolute or climbs (`..`, the form
/// a cgroup outside the process's cgroup namespace takes) has no folder.
fn cgroup_dir(mountinfo: &str, hierarchy: Hierarchy, path: &str) -> Option<(PathBuf, PathBuf)> {
    let path = Path::new(path);
    if !path.is_absolute() || path.components().any(|c| c == Component::ParentDir) {
        return None;
    }
    mountinfo
        .lines()
        .filter_map(|line| {
            // id parent dev root mount-point options [optional fields] - type source super-options
            let fields: Vec<&str> = line.split_whitespace().collect();
            let dash = fields.iter().skip(6).position(|&f| f == "-")? + 6;
            let (fstype, options) = (fields.get(dash + 1)?, fields.get(dash + 3)?);
            if !hierarchy.is_mounted_as(fstype, options) {
                return None;
            }
            let root = PathBuf::from(unescape(fields[3]));
            let below = path.strip_prefix(&root).ok()?;
            let mount_point = PathBuf::from(unescape(fields[4]));
            let dir = mount_point.join(below);
            Some((root.components().count(), mount_point, dir))
        })
        .max_by_key(|(depth, _, _)| *depth)
        .map(|(_, mount_point, dir)| (mount_point, dir))
}

/// A path of `/proc/self/mountinfo` as it is: the kernel writes a space, tab, newline and
/// backslash in one as `\040`, `\011`, `\012` and `\134`.
fn unescape(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut rest = field;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let code = rest
            .get(at + 1..at + 4)
            .and_then(|digits| u8::from_str_radix(digits, 8).ok());
        match code {
            Some(byte) => {
                out.push(char::from(byte));
                rest = &rest[at + 4..];
            }
            None => {
                out.push('\\');
                rest = &rest[at + 1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// `1536` MB as "1.5 GB": sizes for people.
pub(crate) fn human(bytes: u64) -> String {
    let gb = bytes as f64 / (1u64 << 30) as f64;
    if gb >= 1.0 {
        format!("{gb:.1} GB")
    } else {
        format!("{} MB", bytes >> 20)
    }
}

/// Reads `--memory-limit`: bytes with an optional K, M, G or T suffix (powers of 1024).
pub(crate) fn parse_size(raw: &str) -> Result<u64, String> {
    let s = raw.trim();
    let (number, shift) = match s.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&s[..s.len() - 1], 10),
        Some('M') => (&s[..s.len() - 1], 20),
        Some('G') => (&s[..s.len() - 1], 30),
        Some('T') => (&s[..s.len() - 1], 40),
        _ => (s, 0),
    };
    number
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| (v * (1u64 << shift) as f64) as u64)
        .ok_or_else(|| format!("`{raw}` is not a size (write 16G, 512M or a number of bytes)"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("16G"), Ok(16 << 30));
        assert_eq!(parse_size("512m"), Ok(512 << 20));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("lots").is_err());
        assert_eq!(human(3 << 29), "1.5 GB");
    }

    #[test]
    fn the_estimate_covers_the_measured_runs() {
        let mb = 1u64 << 20;
        // Peak RSS measured by benches/e2e.sh for the synthesized files in the heavy mix
        // (register, participants, peak); the default mix peaks 4-19 % lower.
        for (register, participants, heavy) in [
            (61 * mb, 67 * mb, 400 * mb),
            (612 * mb, 670 * mb, 2_475 * mb),
            (6_124 * mb, 6_701 * mb, 20_370 * mb),
        ] {
            let estimate = estimate_peak(register, participants);
            assert!(estimate >= heavy, "{estimate} < {heavy}");
            // … and not so far above it that a run that fits is refused.
            assert!(
                estimate <= heavy + (heavy / 10).max(512 * mb),
                "{estimate} >> {heavy}"
            );
        }
        // 100M × 100M (the default mix's files are the larger) still runs where a 24 GB
        // machine has ~22 GB available.
        assert!(estimate_peak(6_124 * mb, 6_746 * mb) < 22 << 30);
        // A small run under a small limit is not refused for the big runs' working memory.
        assert!(estimate_peak(mb, mb) < 210 * mb);
    }

    /// Files under `root` standing in for `/proc` and `/sys`: `/a/b` is `root/a/b`.
    fn files_under(root: &Path) -> impl Fn(&Path) -> Option<String> + '_ {
        move |path| std::fs::read_to_string(root.join(path.strip_prefix("/").ok()?)).ok()
    }

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path.trim_start_matches('/'));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    const V2_MOUNTINFO: &str = "\
22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw
30 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot
";

    const HYBRID_MOUNTINFO: &str = "\
31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:5 - cgroup2 cgroup2 rw
";

    #[test]
    fn a_v2_limit_on_the_process_s_own_cgroup_is_read_not_the_root_s() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        write(
            root,
            "/proc/self/cgroup",
            "0::/system.slice/popsync-nightly.service\n",
        );
        write(root, "/proc/self/mountinfo", V2_MOUNTINFO);
        write(root, "/sys/fs/cgroup/system.slice/memory.max", "max\n");
        write(
            root,
            "/sys/fs/cgroup/system.slice/popsync-nightly.service/memory.max",
            "2147483648\n",
        );
        assert_eq!(cgroup_memory_limit(files_under(root)), Some(2 << 30));
    }

    #[test]
    fn the_smaller_of_a_parent_s_and_a_child_s_limit_binds() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        write(root, "/proc/self/cgroup", "0::/batch.slice/night/popsync\n");
        write(root, "/proc/self/mountinfo", V2_MOUNTINFO);
        write(
            root,
            "/sys/fs/cgroup/batch.slice/memory.max",
            "1073741824\n",
        );
        write(root, "/sys/fs/cgroup/batch.slice/night/memory.max", "max\n");
        write(
            root,
            "/sys/fs/cgroup/batch.slice/night/popsync/memory.max",
            "4294967296\n",
        );
        assert_eq!(cgroup_memory_limit(files_under(root)), Some(1 << 30));
        // … and the other way round.
        write(
            root,
            "/sys/fs/cgroup/batch.slice/night/popsync/memory.max",
            "536870912\n",
        );
        assert_eq!(cgroup_memory_limit(files_under(root)), Some(512 << 20));
    }

    #[test]
    fn max_and_the_v1_unlimited_value_are_no_limit() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        write(
            root,
            "/proc/self/cgroup",
            "0::/system.slice/popsync.service\n",
        );
        write(root, "/proc/self/mountinfo", V2_MOUNTINFO);
        write(
            root,
            "/sys/fs/cgroup/system.slice/popsync.service/memory.max",
            "max\n",
        );
        assert_eq!(cgroup_memory_limit(files_under(root)), None);

        write(
            root,
            "/proc/self/cgroup",
            "4:memory:/user.slice\n0::/user.slice\n",
        );
        write(root, "/proc/self/mountinfo", HYBRID_MOUNTINFO);
        write(
            root,
            "/sys/fs/cgroup/memory/user.slice/memory.limit_in_bytes",
            "9223372036854771712\n",
        );
        write(
            root,
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "9223372036854771712\n",
        );
        assert_eq!(cgroup_memory_limit(files_under(root)), None);
    }

    #[test]
    fn the_v1_memory_controller_of_a_hybrid_layout_is_read() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        write(
            root,
            "/proc/self/cgroup",
            "9:name=systemd:/\n8:pids:/\n4:memory:/process_api/84ab652d\n\
             2:cpuacct,cpu:/\n0::/\n",
        );
        write(root, "/proc/self/mountinfo", HYBRID_MOUNTINFO);
        write(
            root,
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "9223372036854771712\n",
        );
        write(
            root,
            "/sys/fs/cgroup/memory/process_api/memory.limit_in_bytes",
            "9223372036854771712\n",
        );
        write(
            root,
            "/sys/fs/cgroup/memory/process_api/84ab652d/memory.limit_in_bytes",
            "67108864\n",
        );
        // The cpu hierarchy's files are not memory limits.
        write(root, "/sys/fs/cgroup/cpu/memory.limit_in_bytes", "1024\n");
        assert_eq!(cgroup_memory_limit(files_under(root)), Some(64 << 20));
    }

    #[test]
    fn a_container_s_mount_whose_root_is_its_own_cgroup_is_read_at_the_mount_point() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        // No cgroup namespace: the process sees its full path, the mount shows only its part.
        let id = "docker/0123abcd";
        write(root, "/proc/self/cgroup", &format!("0::/{id}\n"));
        write(
            root,
            "/proc/self/mountinfo",
            &format!(
                "1 0 0:50 / / rw - overlay overlay rw\n\
                 60 1 0:27 /{id} /sys/fs/cgroup ro,nosuid - cgroup2 cgroup rw\n"
            ),
        );
        write(root, "/sys/fs/cgroup/memory.max", "805306368\n");
        assert_eq!(cgroup_memory_limit(files_under(root)), Some(768 << 20));

        // The same in v1, the memory hierarchy mounted with its root at the container's cgroup.
        write(
            root,
            "/proc/self/cgroup",
            &format!("5:memory:/{id}\n1:cpu:/{id}\n"),
        );
        write(
            root,
            "/proc/self/mountinfo",
            &format!(
                "1 0 0:50 / / rw - overlay overlay rw\n\
                 61 1 0:28 /{id} /sys/fs/cgroup/memory ro - cgroup cgroup rw,memory\n"
            ),
        );
        write(
            root,
            "/sys/fs/cgroup/memory/memory.limit_in_bytes",
            "268435456\n",
        );
        assert_eq!(cgroup_memory_limit(files_under(root)), Some(256 << 20));
    }

    #[test]
    fn a_mount_point_with_a_space_is_read() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        write(root, "/proc/self/cgroup", "0::/job\n");
        write(
            root,
            "/proc/self/mountinfo",
            "30 22 0:26 / /mnt/cgroup\\040two rw - cgroup2 cgroup2 rw\n",
        );
        write(root, "/mnt/cgroup two/job/memory.max", "1048576\n");
        assert_eq!(cgroup_memory_limit(files_under(root)), Some(1 << 20));
    }

    #[test]
    fn garbage_or_missing_files_give_no_limit() {
        let root = tempfile::tempdir().unwrap();
        let root = root.path();
        // Nothing there at all.
        assert_eq!(cgroup_memory_limit(files_under(root)), None);
        // A cgroup file but no mountinfo.
        write(
            root,
            "/proc/self/cgroup",
            "0::/system.slice/popsync.service\n",
        );
        assert_eq!(cgroup_memory_limit(files_under(root)), None);
        // Mounted, but no limit file, or one that is not a number.
        write(root, "/proc/self/mountinfo", V2_MOUNTINFO);
        assert_eq!(cgroup_memory_limit(files_under(root)), None);
        write(
            root,
            "/sys/fs/cgroup/system.slice/popsync.service/memory.max",
            "lots\n",
        );
        assert_eq!(cgroup_memory_limit(files_under(root)), None);
        write(
            root,
            "/sys/fs/cgroup/system.slice/popsync.service/memory.max",
            "-5\n",
        );
        assert_eq!(cgroup_memory_limit(files_under(root)), None);
        // Lines of garbage in both files; a path that climbs out of its namespace.
        for (membership, mountinfo) in [
            ("garbage", "garbage"),
            ("", ""),
            (":::", "- - - - - - - - -"),
            ("0::", "1 2 3"),
            ("0::relative/path\n4:memory", V2_MOUNTINFO),
            ("0::/../../outside\n", V2_MOUNTINFO),
            (
                "0::/x\n",
                "30 22 0:26 / /sys/fs/cgroup rw -\n30 22 0:26 / /a rw - cgroup2",
            ),
            (
                "0::/x\n",
                "30 22 0:26 /other /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n",
            ),
            ("0::/x\n", "30 22 0:26 \\04 \\ rw - cgroup2 cgroup2 rw\n"),
            (
                "\u{1F600}:memory:/\u{1F600}\n",
                "\\\u{1F600}\\9999 / / - - cgroup cgroup memory",
            ),
        ] {
            write(root, "/proc/self/cgroup", membership);
            write(root, "/proc/self/mountinfo", mountinfo);
            assert_eq!(
                cgroup_memory_limit(files_under(root)),
                None,
                "{membership:?} / {mountinfo:?}"
            );
        }
    }
}
