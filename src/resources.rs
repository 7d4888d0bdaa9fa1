//! Resource bounds: a run that cannot fit in memory says so before it starts, naming the size it
//! needs, instead of being killed by the operating system half-way through the night.

/// Peak memory of a run, estimated from the input sizes, fitted with a margin to the peak
/// memory measured on `popsync synth` data at 1M, 10M and 100M (BENCHMARKS.md): the register
/// is held (about 1.9 × its file size with the ID table
/// and the blocking index, ~115 bytes a person), participants are streamed (about 0.7 × their
/// file size for the per-row link log, the rows kept for the search and what the allocator
/// keeps between chunks).
pub(crate) fn estimate_peak(register_bytes: u64, participants_bytes: u64) -> u64 {
    register_bytes.saturating_mul(19) / 10 + participants_bytes.saturating_mul(7) / 10 + (200 << 20)
}

/// Memory this process may use: the smaller of the memory the system reports available and a
/// cgroup limit, when they can be read (Linux); `None` elsewhere.
pub(crate) fn available_memory() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok();
    let available = meminfo.as_deref().and_then(|text| {
        text.lines()
            .find_map(|l| l.strip_prefix("MemAvailable:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
    });
    let cgroup = std::fs::read_to_string("/sys/fs/cgroup/memory.max")
        .ok()
        .and_then(|v| v.trim().parse::<u64>().ok());
    match (available, cgroup) {
        (Some(a), Some(c)) => Some(a.min(c)),
        (a, c) => a.or(c),
    }
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
        // Peak RSS measured by benches/e2e.sh for the synthesized files (register, participants).
        for (register, participants, peak) in [
            (61 * mb, 67 * mb, 337 * mb),
            (612 * mb, 674 * mb, 1777 * mb),
            (6124 * mb, 6746 * mb, 14_534 * mb),
        ] {
            let estimate = estimate_peak(register, participants);
            assert!(estimate >= peak, "{estimate} < {peak}");
            // … and not so far above it that a run that fits is refused.
            assert!(estimate <= peak + peak / 4, "{estimate} >> {peak}");
        }
    }
}
