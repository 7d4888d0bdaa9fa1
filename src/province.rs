//! The province table (docs/provinces.md): former 3-digit codes, the current 2-digit
//! provinces that absorbed them on 1 July 2025, and the lookups built on it.
//!
//! The table is data, not code: `data/provinces.csv` is compiled in, and `--provinces FILE`
//! replaces it when the map changes again. Two uses, kept apart on purpose:
//! - grouping participants for reporting, by their *managing* province code;
//! - checking the first three digits of a CCCD, which are the place of birth registration and
//!   were fixed by Circular 07/2016 ([`is_cccd_prefix`] therefore always uses the built-in table).

use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

use crate::error::{Error, Result};

/// The compiled-in table: former code, former name, current code, current name.
pub(crate) const BUILTIN_CSV: &str = include_str!("../data/provinces.csv");

/// One former (pre-2025) province and where it went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FormerProvince {
    pub(crate) code: String,
    pub(crate) name: String,
    /// Index into [`ProvinceTable::current`].
    pub(crate) current: usize,
}

/// One current (since 1 July 2025) province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CurrentProvince {
    pub(crate) code: String,
    pub(crate) name: String,
    /// Indexes into [`ProvinceTable::former`], in table order.
    pub(crate) former: Vec<usize>,
}

/// Where a participant's `province_code` places it for reporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum ProvinceKey {
    /// A former 3-digit code (index into [`ProvinceTable::former`]).
    Former(u16),
    /// A current 2-digit code given directly (index into [`ProvinceTable::current`]).
    Current(u16),
    /// Empty or not in the table.
    Unknown,
}

impl ProvinceKey {
    /// The key in 16 bits, for what is kept per row for the whole file: a former province's
    /// index, a current one's with the top bit set, `u16::MAX` for unknown.
    pub(crate) fn pack(self) -> u16 {
        match self {
            ProvinceKey::Former(i) => i & 0x7fff,
            ProvinceKey::Current(i) => 0x8000 | (i & 0x7fff),
            ProvinceKey::Unknown => u16::MAX,
        }
    }

    /// Inverse of [`ProvinceKey::pack`].
    pub(crate) fn unpack(packed: u16) -> ProvinceKey {
        match packed {
            u16::MAX => ProvinceKey::Unknown,
            p if p & 0x8000 != 0 => ProvinceKey::Current(p & 0x7fff),
            p => ProvinceKey::Former(p),
        }
    }
}

/// Where a province code places a person, for comparing two of them: the current province,
/// and the former one when the code was a former 3-digit code. The former province is the
/// finer evidence: since the 2025 merger, two persons in one current province may still have
/// lived in different former ones (Hồ Chí Minh absorbed Bình Dương and Bà Rịa-Vũng Tàu).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Index into [`ProvinceTable::current`].
    pub(crate) current: u8,
    /// Index into [`ProvinceTable::former`], for a former code (`None`: a current code).
    pub(crate) former: Option<u8>,
}

/// The loaded table with its lookups.
#[derive(Debug, Clone)]
pub(crate) struct ProvinceTable {
    pub(crate) former: Vec<FormerProvince>,
    pub(crate) current: Vec<CurrentProvince>,
    by_former_code: HashMap<String, usize>,
    by_current_code: HashMap<String, usize>,
    /// The same lookups by the code's value (`u16::MAX`: none): [`ProvinceTable::classify`]
    /// runs for every row of both files, and indexing an array beats hashing a string.
    former_by_value: Vec<u16>,
    current_by_value: Vec<u16>,
}

impl ProvinceTable {
    /// The table compiled into the binary.
    pub(crate) fn builtin() -> &'static ProvinceTable {
        static TABLE: OnceLock<ProvinceTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            ProvinceTable::parse(BUILTIN_CSV, Path::new("<built-in provinces>"))
                .expect("the built-in province table is valid")
        })
    }

    /// Reads a replacement table (`--provinces FILE`).
    pub(crate) fn load(path: &Path) -> Result<ProvinceTable> {
        let text = crate::small_file::read_text(path).map_err(|e| Error::io(path, e))?;
        ProvinceTable::parse(&text, path)
    }

    /// Parses the table's CSV text: a header, then `former_code,former_name,current_code,
    /// current_name` rows. Codes are digits (3 for former, 2 for current).
    pub(crate) fn parse(text: &str, origin: &Path) -> Result<ProvinceTable> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(text.as_bytes());
        let mut table = ProvinceTable {
            former: Vec::new(),
            current: Vec::new(),
            by_former_code: HashMap::new(),
            by_current_code: HashMap::new(),
            former_by_value: vec![u16::MAX; 1000],
            current_by_value: vec![u16::MAX; 100],
        };
        for (i, record) in reader.records().enumerate() {
            let line = i as u64 + 2;
            let bad = |message: String| Error::config(origin, format!("line {line}: {message}"));
            let record = record.map_err(|e| bad(e.to_string()))?;
            if record.len() != 4 {
                return Err(bad(format!("expected 4 fields, found {}", record.len())));
            }
            let (former_code, former_name) = (record[0].trim(), record[1].trim());
            let (current_code, current_name) = (record[2].trim(), record[3].trim());
            let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
            if !digits(former_code, 3) {
                return Err(bad(format!("former code `{former_code}` is not 3 digits")));
            }
            if !digits(current_code, 2) {
                return Err(bad(format!(
                    "current code `{current_code}` is not 2 digits"
                )));
            }
            let current = match table.by_current_code.get(current_code) {
                Some(&c) => {
                    if table.current[c].name != current_name {
                        return Err(bad(format!(
                            "current code {current_code} is named both `{}` and `{current_name}`",
                            table.current[c].name
                        )));
                    }
                    c
                }
                None => {
                    table.current.push(CurrentProvince {
                        code: current_code.to_string(),
                        name: current_name.to_string(),
                        former: Vec::new(),
                    });
                    table
                        .by_current_code
                        .insert(current_code.to_string(), table.current.len() - 1);
                    table.current.len() - 1
                }
            };
            if table.by_former_code.contains_key(former_code) {
                return Err(bad(format!("former code {former_code} appears twice")));
            }
            table.former.push(FormerProvince {
                code: former_code.to_string(),
                name: former_name.to_string(),
                current,
            });
            let index = table.former.len() - 1;
            table.by_former_code.insert(former_code.to_string(), index);
            table.current[current].former.push(index);
        }
        if table.former.is_empty() {
            return Err(Error::config(origin, "the province table has no rows"));
        }
        let value = |code: &str| code.parse::<usize>().expect("codes are digits");
        for (code, &i) in &table.by_former_code {
            table.former_by_value[value(code)] = i as u16;
        }
        for (code, &i) in &table.by_current_code {
            table.current_by_value[value(code)] = i as u16;
        }
        Ok(table)
    }

    /// Reads a participant's `province_code`: a former 3-digit code or a current 2-digit one.
    /// Spreadsheets drop leading zeros, so a code of one or two digits is read as a current code
    /// (`1` and `01` are current Hà Nội). A former code that lost its zero (`024` → `24`) names
    /// the right current province when the number is a current code (current codes are the
    /// former codes of the seats: 24 is Bắc Ninh, which absorbed Bắc Giang); otherwise (`030`
    /// → `30`) it is an unknown province.
    pub(crate) fn classify(&self, raw: &str) -> ProvinceKey {
        let code = raw.trim();
        if code.is_empty() || code.len() > 3 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return ProvinceKey::Unknown;
        }
        let value = code
            .bytes()
            .fold(0usize, |v, b| v * 10 + (b - b'0') as usize);
        let found = match code.len() {
            3 => self.former_by_value[value],
            _ => self.current_by_value[value],
        };
        match (found, code.len()) {
            (u16::MAX, _) => ProvinceKey::Unknown,
            (i, 3) => ProvinceKey::Former(i),
            (i, _) => ProvinceKey::Current(i),
        }
    }

    /// The current province a key reports under, if known.
    pub(crate) fn current_of(&self, key: ProvinceKey) -> Option<usize> {
        match key {
            ProvinceKey::Former(i) => Some(self.former[i as usize].current),
            ProvinceKey::Current(i) => Some(i as usize),
            ProvinceKey::Unknown => None,
        }
    }

    /// The [`Place`] of a key, if known. Indexes stay below 255 (the register packs each in a
    /// byte with 0 for none): `None` beyond, in a table far larger than any map of Vietnam.
    pub(crate) fn place_of(&self, key: ProvinceKey) -> Option<Place> {
        let byte = |i: usize| u8::try_from(i).ok().filter(|&b| b < u8::MAX);
        let current = byte(self.current_of(key)?)?;
        let former = match key {
            ProvinceKey::Former(i) => Some(byte(usize::from(i))?),
            _ => None,
        };
        Some(Place { current, former })
    }

    /// Display name of a key: the former name for a former code, the current name otherwise.
    pub(crate) fn name_of(&self, key: ProvinceKey) -> &str {
        match key {
            ProvinceKey::Former(i) => &self.former[i as usize].name,
            ProvinceKey::Current(i) => &self.current[i as usize].name,
            ProvinceKey::Unknown => "",
        }
    }
}

/// True when the first three digits of a CCCD are a valid place of birth registration: one of the
/// 63 province codes of Circular 07/2016, or a country code (101-295) for births abroad.
pub(crate) fn is_cccd_prefix(prefix: u16) -> bool {
    static CODES: OnceLock<[bool; 1000]> = OnceLock::new();
    let codes = CODES.get_or_init(|| {
        let mut codes = [false; 1000];
        for former in &ProvinceTable::builtin().former {
            if let Ok(code) = former.code.parse::<usize>() {
                codes[code] = true;
            }
        }
        for code in codes.iter_mut().take(296).skip(101) {
            *code = true;
        }
        codes
    });
    (prefix as usize) < codes.len() && codes[prefix as usize]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_table_has_63_former_and_34_current_provinces() {
        let table = ProvinceTable::builtin();
        assert_eq!(table.former.len(), 63);
        assert_eq!(table.current.len(), 34);
    }

    #[test]
    fn merged_provinces_take_the_seat_province_code() {
        let table = ProvinceTable::builtin();
        let current_of = |code: &str| {
            let key = table.classify(code);
            let c = table.current_of(key).unwrap();
            (table.current[c].code.clone(), table.current[c].name.clone())
        };
        assert_eq!(current_of("015"), ("15".into(), "Lào Cai".into()));
        assert_eq!(current_of("010"), ("15".into(), "Lào Cai".into()));
        assert_eq!(current_of("095"), ("96".into(), "Cà Mau".into()));
        assert_eq!(current_of("074"), ("79".into(), "Hồ Chí Minh".into()));
        assert_eq!(current_of("046"), ("46".into(), "Huế".into()));
        assert_eq!(current_of("80"), ("80".into(), "Tây Ninh".into()));
        assert_eq!(current_of("1"), ("01".into(), "Hà Nội".into()));
    }

    #[test]
    fn unknown_codes_are_unknown_not_dropped() {
        let table = ProvinceTable::builtin();
        for raw in ["", "  ", "003", "99", "abc", "0001"] {
            assert_eq!(table.classify(raw), ProvinceKey::Unknown, "{raw:?}");
        }
    }

    #[test]
    fn cccd_prefixes_are_province_or_country_codes() {
        assert!(is_cccd_prefix(1));
        assert!(is_cccd_prefix(96));
        assert!(is_cccd_prefix(101));
        assert!(is_cccd_prefix(295));
        assert!(!is_cccd_prefix(3));
        assert!(!is_cccd_prefix(97));
        assert!(!is_cccd_prefix(296));
        assert!(!is_cccd_prefix(0));
    }

    #[test]
    fn replacement_tables_are_validated() {
        let err = ProvinceTable::parse("h\n01,A,1,B\n", Path::new("p.csv")).unwrap_err();
        assert!(err.to_string().contains("line 2"), "{err}");
    }

    #[test]
    fn a_province_key_packs_into_16_bits_and_back() {
        for key in [
            ProvinceKey::Former(0),
            ProvinceKey::Former(62),
            ProvinceKey::Current(0),
            ProvinceKey::Current(33),
            ProvinceKey::Unknown,
        ] {
            assert_eq!(ProvinceKey::unpack(key.pack()), key);
        }
    }
}
