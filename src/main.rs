//! The popsync binary: everything is in the library; this only hands over the arguments.

/// mimalloc rather than the system allocator: the hot loops allocate many short-lived strings
/// and vectors across threads, where glibc malloc is a measurable share of a run
/// (BENCHMARKS.md has the figures).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(popsync::main_with(std::env::args_os()));
}
