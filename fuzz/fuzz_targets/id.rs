//! ID parsers: any text gives an ID or Malformed/None, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use popsync::{parse_old_id, parse_register_cccd, IdFormat, ParsedId};

fuzz_target!(|raw: &str| {
    match ParsedId::parse(raw, IdFormat::Cccd) {
        ParsedId::Cccd(v) | ParsedId::Restored(v) => assert!(v < 1_000_000_000_000),
        ParsedId::Old(v) | ParsedId::OldRestored(v) => assert!(v < 1_000_000_000),
        ParsedId::Missing => assert!(raw.trim().is_empty()),
        ParsedId::Malformed => {}
        ParsedId::Opaque(_) => panic!("cccd format gave an opaque ID for {raw:?}"),
    }
    match ParsedId::parse(raw, IdFormat::Any) {
        ParsedId::Missing => assert!(raw.trim().is_empty()),
        ParsedId::Opaque(s) => assert_eq!(s, raw.trim()),
        other => panic!("any format gave {other:?} for {raw:?}"),
    }
    if let Some(v) = parse_register_cccd(raw) {
        assert!(v < 1_000_000_000_000);
    }
    if let Some(v) = parse_old_id(raw) {
        assert!(v < 1_000_000_000);
    }
});
