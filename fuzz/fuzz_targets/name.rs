//! Name normalizer: total, and the properties of docs/input.md (names).
#![no_main]


use libfuzzer_sys::fuzz_target;
use popsync::{canonical, fold_canonical, folded, tidy, NameForms};

fuzz_target!(|raw: &str| {
    let c = canonical(raw);
    let f = folded(raw);
    let _ = tidy(raw);
    assert_eq!(canonical(&c), c, "canonical not idempotent for {raw:?}");
    assert_eq!(
        folded(&c),
        f,
        "folded(canonical(x)) != folded(x) for {raw:?}"
    );
    assert!(f.is_ascii(), "folded not ASCII for {raw:?}: {f:?}");
    assert_eq!(folded(&f), f, "folded not idempotent for {raw:?}");
    assert_eq!(
        fold_canonical(&c),
        f,
        "fold_canonical(canonical(x)) != folded(x) for {raw:?}"
    );
    let forms = NameForms::new(raw);
    assert_eq!((forms.canonical, forms.folded), (c, f));
});
