//! Date parser: any text gives a date or a typed problem, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use popsync::{DateField, PartialDate};

fuzz_target!(|raw: &str| {
    let parsed = PartialDate::parse(raw);
    let field = DateField::parse(raw);
    match (parsed, field) {
        (Ok(date), DateField::Known(known)) => {
            assert_eq!(date, known);
            // A parsed date is a real one, and packing keeps it.
            assert!((1800..=2199).contains(&date.year()), "{raw:?} -> {date:?}");
            assert_eq!(PartialDate::unpack(date.pack()), Some(date));
            assert_eq!(
                PartialDate::new(
                    date.year(),
                    date.month().unwrap_or(0),
                    date.day().unwrap_or(0)
                ),
                Some(date)
            );
        }
        (Err(problem), DateField::Invalid(invalid)) => assert_eq!(problem, invalid),
        (Err(_), DateField::Missing) => assert!(raw.trim().is_empty()),
        (parsed, field) => panic!("{raw:?}: parse {parsed:?} but field {field:?}"),
    }
});
