//! Asking the memory system for several cache lines at once.
//!
//! Why: the search looks up dozens of blocking keys and up to ~119 ID variants per row, each a
//! random read into arrays of hundreds of megabytes, so each lookup waits ~100 ns for memory.
//! Issuing every address first and reading afterwards lets those waits overlap. A prefetch is
//! only a hint: it never changes a result, and out of bounds it is simply not issued.

/// Hints that `slice[index]` will be read soon.
#[inline(always)]
pub(crate) fn prefetch<T>(slice: &[T], index: usize) {
    if let Some(item) = slice.get(index) {
        #[cfg(target_arch = "x86_64")]
        {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            // SAFETY: SSE is part of every x86_64 target, and a prefetch reads nothing and
            // cannot fault (the address is a live element besides).
            unsafe { _mm_prefetch::<_MM_HINT_T0>((item as *const T).cast::<i8>()) };
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = item;
    }
}
