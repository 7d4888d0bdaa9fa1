//! The popsync binary: everything is in the library; this only hands over the arguments.

/// mimalloc rather than the system allocator: the hot loops allocate many short-lived strings
/// and vectors across threads, where glibc malloc is a measurable share of a run
/// (BENCHMARKS.md has the figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    small_pages_only();
    std::process::exit(popsync::main_with(std::env::args_os()));
}

/// Transparent huge pages off for the process (Linux). A run's memory is written once, soon
/// after it is mapped, and much of it briefly: the register's records and index, the chunks in
/// flight. The kernel zeroes a huge page whole at its first touch (2 MB, where a small page is
/// 4 KB) and the allocator releases and maps memory again as a run goes, so with huge pages the
/// zeroing of pages that are never filled is a large share of a run (BENCHMARKS.md has the
/// figures, with the cost in TLB misses it brings back). A kernel that refuses is no error: the
/// run is only slower.
fn small_pages_only() {
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
}
