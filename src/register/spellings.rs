//! The register's folded syllables by their spellings with one letter left out, so that the
//! search can find the register syllables one edit from a syllable no register name has.
//!
//! A name part no register name has is mistyped or belongs to no one; when it is mistyped, the
//! syllable it stands for is usually one edit away ("nichooas" for nicholas, "belperi" for
//! belperio). Two strings one edit apart share a spelling once at most one letter is left out
//! of each (a substitution: the same position left out of both; an insertion: the inserted
//! letter left out of the longer; a swap of neighbours: either of the two, from each side), so
//! every such syllable is among the [`Spellings::candidates`] of the unknown one; the matching
//! stage keeps those truly one edit away. A syllable of `n` letters is filed `n + 1` times: a
//! register's tens of thousands of distinct folded syllables take a few megabytes.

use rayon::prelude::*;

use super::Syllables;
use crate::rng::{mix64, GOLDEN};

/// Folded syllables by the hashes of their spellings with at most one letter left out.
#[derive(Debug, Default)]
pub(crate) struct Spellings {
    /// (spelling hash, folded syllable index), sorted.
    filed: Vec<(u64, u32)>,
}

/// Syllables shorter than this are not corrected by their one-edit neighbours: one edit in two
/// letters makes another name far more often than a slip does, and finds dozens of syllables.
/// (A two-letter part is read with its letters swapped instead: one reading, not dozens.)
pub(crate) const SHORTEST_CORRECTED: usize = 3;

impl Spellings {
    /// Files every folded syllable of `syllables` under its spellings.
    pub(crate) fn build(syllables: &Syllables) -> Spellings {
        let mut filed: Vec<(u64, u32)> = (syllables.folded.par_iter().enumerate())
            .filter(|(_, text)| text.chars().count() >= SHORTEST_CORRECTED - 1)
            .flat_map_iter(|(id, text)| spellings(text).map(move |hash| (hash, id as u32)))
            .collect();
        filed.par_sort_unstable();
        filed.dedup();
        Spellings { filed }
    }

    /// Every folded syllable that shares a spelling with `text` once at most one letter is
    /// left out of each: a superset of those one edit from it, each once, ascending.
    pub(crate) fn candidates(&self, text: &str) -> Vec<u32> {
        let mut found = Vec::new();
        for hash in spellings(text) {
            let from = self.filed.partition_point(|&(h, _)| h < hash);
            let filed = self.filed[from..].iter().take_while(|&&(h, _)| h == hash);
            found.extend(filed.map(|&(_, id)| id));
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

/// The hashes of `text` and of `text` with each one of its letters left out.
fn spellings(text: &str) -> impl Iterator<Item = u64> + '_ {
    let letters = text.chars().count();
    (0..=letters).map(move |left_out| {
        (text.chars().enumerate())
            .filter(|&(i, _)| i != left_out)
            .fold(GOLDEN, |h, (_, c)| mix64(h ^ c as u64))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn syllables(words: &[&str]) -> Syllables {
        Syllables {
            folded: words.iter().map(|&w| Box::from(w)).collect(),
            ..Syllables::default()
        }
    }

    fn candidates(spellings: &Spellings, words: &[&str], text: &str) -> Vec<String> {
        (spellings.candidates(text).iter())
            .map(|&id| words[id as usize].to_string())
            .collect()
    }

    #[test]
    fn every_syllable_one_edit_away_is_a_candidate() {
        let words = [
            "nicholas",
            "belperio",
            "jacqueline",
            "malinauskas",
            "nguyen",
            "hung",
            "huong",
            "thomas",
        ];
        let spellings = Spellings::build(&syllables(&words));
        // A letter replaced, left out, added, and two neighbours swapped.
        for (typed, meant) in [
            ("nichooas", "nicholas"),
            ("belperi", "belperio"),
            ("jacquline", "jacqueline"),
            ("maliauskas", "malinauskas"),
            ("ngyuen", "nguyen"),
            ("nguyenn", "nguyen"),
            ("hugn", "hung"),
        ] {
            let found = candidates(&spellings, &words, typed);
            assert!(found.iter().any(|w| w == meant), "{typed}: {found:?}");
        }
        // Two edits away, or nothing alike: no candidate.
        assert!(candidates(&spellings, &words, "nichooaz").is_empty());
        assert!(candidates(&spellings, &words, "zzzz").is_empty());
    }

    #[test]
    fn a_candidate_is_listed_once() {
        let words = ["anna", "hanna"];
        let spellings = Spellings::build(&syllables(&words));
        // "annna" leaves out to "anna" at three places, and "hanna" to "anna" once: each is
        // listed once (hanna, two edits away, is a candidate the matching stage drops).
        assert_eq!(candidates(&spellings, &words, "annna"), ["anna", "hanna"]);
    }
}
