//! Input encodings other than UTF-8: detection and decoding to NFC UTF-8.
//!
//! Exports from old systems arrive in one of three 8-bit encodings instead of UTF-8:
//!
//! - **Windows-1258** (CP1258): Latin-1-like, with ă â ê ô ơ ư đ as bytes and the five tone
//!   marks as *combining* bytes after the letter (`Nguyễn` = `Nguy` + ê + combining tilde + `n`).
//! - **TCVN3** (ABC, TCVN 5712:1993 VN3): every lowercase toned letter is one byte in
//!   0xA8-0xFE; capitals exist only for Ă Â Ê Ô Ơ Ư Đ (0xA1-0xA7). Capital toned letters were
//!   typed with a separate capitals-only font using the lowercase codes, so they decode as
//!   lowercase: that case is lost in the file, not here.
//! - **VNI** (VNI Windows): a base letter followed by one mark byte (`Nguyễn` = `Nguye` + 0xE3 +
//!   `n`, shown as "Nguyeãn" by a Windows-1252 viewer); đ ơ ư and the toned i and ỵ are single
//!   bytes. Capital letters take the mark byte 0x20 lower (0xC3 for ~^).
//!
//! [`detect`] tells them apart from a sample of the file by decoding it with each and counting
//! the words that are valid Vietnamese syllables. Bytes below 0x80 are ASCII in all three, so
//! line breaks, delimiters and quotes are untouched and line numbers stay those of the file.
//!
//! Excel's "Unicode text" export and some database tools write **UTF-16** instead, little- or
//! big-endian, with or without a byte-order mark. [`utf16`] recognises it from the mark or from
//! where the zero bytes fall, and [`detect`] reports it before anything else, since UTF-16 bytes
//! read as an 8-bit encoding give syllable-shaped noise. Every UTF-16 code unit decodes on its
//! own or as one surrogate pair, so line breaks stay line breaks there too.
//!
//! [`decode`] (whole buffers) and [`DecodingReader`] (streams, for the CSV reader) convert any
//! of them to NFC UTF-8.

use std::fmt;
use std::io::{self, Read};
use std::str::FromStr;

use unicode_normalization::UnicodeNormalization;

/// The encoding of an input file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
    Windows1258,
    Tcvn3,
    Vni,
}

impl Encoding {
    #[cfg(test)]
    /// Every encoding, UTF-8 first.
    pub(crate) const ALL: [Encoding; 6] = [
        Encoding::Utf8,
        Encoding::Utf16Le,
        Encoding::Utf16Be,
        Encoding::Windows1258,
        Encoding::Tcvn3,
        Encoding::Vni,
    ];
    /// The 8-bit legacy ones [`evidence`] scores, in the order [`Evidence::shares`] lists them.
    pub(crate) const LEGACY: [Encoding; 3] =
        [Encoding::Windows1258, Encoding::Tcvn3, Encoding::Vni];

    /// The `--encoding` flag value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Windows1258 => "windows-1258",
            Encoding::Tcvn3 => "tcvn3",
            Encoding::Vni => "vni",
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The `--encoding` value was none of the known ones.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UnknownEncoding(pub(crate) String);

impl fmt::Display for UnknownEncoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown encoding `{}`: expected utf-8, utf-16le, utf-16be, windows-1258, tcvn3 or vni",
            self.0
        )
    }
}

impl std::error::Error for UnknownEncoding {}

impl FromStr for Encoding {
    type Err = UnknownEncoding;

    /// The flag values, any case and with or without `-`, `_` or spaces; also the usual aliases
    /// (`utf8`, `utf16le`, `utf-16-be`, `cp1258`, `abc`, `vni-windows`…). `utf-16` alone is
    /// little-endian, the order Windows writes; a file that starts with a byte-order mark is read
    /// in the mark's order either way (see [`DecodingReader`]).
    fn from_str(s: &str) -> Result<Encoding, UnknownEncoding> {
        let key: String = s
            .trim()
            .chars()
            .filter(|c| !matches!(c, '-' | '_' | ' '))
            .flat_map(char::to_lowercase)
            .collect();
        match key.as_str() {
            "utf8" => Ok(Encoding::Utf8),
            "utf16le" | "utf16" | "ucs2le" | "ucs2" => Ok(Encoding::Utf16Le),
            "utf16be" | "ucs2be" => Ok(Encoding::Utf16Be),
            "windows1258" | "cp1258" | "win1258" => Ok(Encoding::Windows1258),
            "tcvn3" | "tcvn" | "abc" | "tcvn5712" => Ok(Encoding::Tcvn3),
            "vni" | "vniwindows" | "vniwin" => Ok(Encoding::Vni),
            _ => Err(UnknownEncoding(s.to_string())),
        }
    }
}

/// What [`detect`] concluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Detection {
    /// Strong evidence: UTF-16 by [`utf16`], valid UTF-8 (or pure ASCII), or a legacy encoding
    /// under which nearly all of at least [`SURE_MIN_WORDS`] non-ASCII words are Vietnamese
    /// syllables, far ahead of the others.
    Sure(Encoding),
    /// The best guess, on weaker evidence (few words, or a smaller lead).
    Likely(Encoding),
    /// Nothing points to any encoding.
    Unknown,
}

/// How many bytes of a file [`detect`] looks at.
pub(crate) const SAMPLE_BYTES: usize = 1 << 20;
/// Non-ASCII words needed before a legacy encoding can be [`Detection::Sure`].
pub(crate) const SURE_MIN_WORDS: usize = 20;
/// Share of valid syllables above which a legacy encoding can be [`Detection::Sure`].
pub(crate) const SURE_MIN_SHARE: f64 = 0.9;
/// Lead over the runner-up's share needed for [`Detection::Sure`].
pub(crate) const SURE_MIN_LEAD: f64 = 0.3;
/// Share needed for [`Detection::Likely`].
pub(crate) const LIKELY_MIN_SHARE: f64 = 0.5;

/// The evidence behind a legacy detection, for messages and logs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Evidence {
    /// Words (runs of letters) of the sample that contain a non-ASCII byte.
    pub(crate) words: usize,
    /// For each of [`Encoding::LEGACY`], the share of those words that decode to a valid
    /// Vietnamese syllable.
    pub(crate) shares: [(Encoding, f64); 3],
}

/// UTF-8's byte-order mark.
const BOM: &[u8] = b"\xEF\xBB\xBF";
/// UTF-16's byte-order marks: U+FEFF in each order.
const BOM_16LE: &[u8] = b"\xFF\xFE";
const BOM_16BE: &[u8] = b"\xFE\xFF";
/// UTF-32LE's byte-order mark, which begins with UTF-16LE's.
const BOM_32LE: &[u8] = b"\xFF\xFE\x00\x00";

/// Bytes [`utf16`] needs to recognise UTF-16 without a byte-order mark.
pub(crate) const UTF16_MIN_BYTES: usize = 16;

/// Whether a file is UTF-16, from its first bytes (only the first [`SAMPLE_BYTES`] are looked at;
/// pass the start of the file), and in which byte order.
///
/// - A UTF-16 byte-order mark decides: FF FE is little-endian, FE FF big-endian. FF FE 00 00 is
///   UTF-32LE's mark instead (not supported), and a sample that starts with UTF-8's mark
///   EF BB BF is UTF-8: both are `None`.
/// - Without a mark, at least [`UTF16_MIN_BYTES`] bytes are needed. The sample is read as 16-bit
///   code units, and it is UTF-16LE when more than half of them have a zero high (odd-position)
///   byte while fewer than a quarter as many have a zero low (even-position) byte; the mirror
///   image is UTF-16BE. Text in the files this tool reads is mostly ASCII (digits, delimiters,
///   Latin letters) and the rest mostly U+00C0-U+01B0 or U+1EA0-U+1EF9, so its high bytes are
///   largely zero (even a line of toned Vietnamese words has about three in four), and its low
///   bytes are zero only for U+0000, U+0100, U+0300 (the combining grave of decomposed text)
///   and U+1E00. Text in an 8-bit encoding or UTF-8 has no zero bytes at all, binary data has
///   them in both positions alike, and UTF-32 has zero bytes in at least half the positions of
///   each parity: none of them qualifies.
///
/// [`detect`] applies this first, so callers that call `detect` need not call this; a caller
/// that decides UTF-8 on its own (pure ASCII bytes, say) must ask here before: UTF-16 text
/// without a mark is ASCII bytes and zeros, which is also valid UTF-8.
pub(crate) fn utf16(sample: &[u8]) -> Option<Encoding> {
    let sample = &sample[..sample.len().min(SAMPLE_BYTES)];
    if sample.starts_with(BOM) || sample.starts_with(BOM_32LE) {
        return None;
    }
    if sample.starts_with(BOM_16LE) {
        return Some(Encoding::Utf16Le);
    }
    if sample.starts_with(BOM_16BE) {
        return Some(Encoding::Utf16Be);
    }
    if sample.len() < UTF16_MIN_BYTES {
        return None;
    }
    let units = sample.len() / 2;
    let (mut even_zeros, mut odd_zeros) = (0usize, 0usize);
    for unit in sample.chunks_exact(2) {
        even_zeros += usize::from(unit[0] == 0);
        odd_zeros += usize::from(unit[1] == 0);
    }
    // `high`: zero bytes where the order puts the high byte; `low`: where it puts the low one.
    let clear = |high: usize, low: usize| high * 2 > units && low * 4 < high;
    if clear(odd_zeros, even_zeros) {
        Some(Encoding::Utf16Le)
    } else if clear(even_zeros, odd_zeros) {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// Detects the encoding of a file from its first bytes (only the first [`SAMPLE_BYTES`] are
/// read; pass the start of the file).
///
/// UTF-16 comes first: when [`utf16`] recognises the sample, that is `Sure(Utf16Le)` or
/// `Sure(Utf16Be)`, and no legacy encoding is ever named for it. Then valid UTF-8 (after an
/// optional byte-order mark; a character cut at the end of the sample is allowed) is
/// `Sure(Utf8)`. Otherwise the sample is decoded with each legacy encoding and scored by
/// [`evidence`]: `Sure` when the best share is above [`SURE_MIN_SHARE`] over at least
/// [`SURE_MIN_WORDS`] words and leads the others by [`SURE_MIN_LEAD`]; `Likely` when it is at
/// least [`LIKELY_MIN_SHARE`] and strictly ahead; `Unknown` otherwise.
pub(crate) fn detect(sample: &[u8]) -> Detection {
    let sample = &sample[..sample.len().min(SAMPLE_BYTES)];
    if let Some(found) = utf16(sample) {
        return Detection::Sure(found);
    }
    let body = sample.strip_prefix(BOM).unwrap_or(sample);
    if is_utf8_prefix(body) {
        return Detection::Sure(Encoding::Utf8);
    }
    judge(&evidence(body))
}

/// Turns scores into a verdict (see [`detect`]).
fn judge(evidence: &Evidence) -> Detection {
    if evidence.words == 0 {
        return Detection::Unknown;
    }
    let mut ranked = evidence.shares;
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let (best, share) = ranked[0];
    let runner_up = ranked[1].1;
    if evidence.words >= SURE_MIN_WORDS
        && share > SURE_MIN_SHARE
        && share - runner_up >= SURE_MIN_LEAD
    {
        Detection::Sure(best)
    } else if share >= LIKELY_MIN_SHARE && share > runner_up {
        Detection::Likely(best)
    } else {
        Detection::Unknown
    }
}

/// True when `bytes` is UTF-8, but for a character cut off at its end.
fn is_utf8_prefix(bytes: &[u8]) -> bool {
    match std::str::from_utf8(bytes) {
        Ok(_) => true,
        Err(e) => e.error_len().is_none(),
    }
}

/// Scores a (non-UTF-8) sample under each legacy encoding.
///
/// Words are maximal runs of ASCII letters and bytes ≥ 0x80 (every legacy encoding keeps its
/// letters and marks there, so the split is the same for all three); only words with a byte
/// ≥ 0x80 count, since ASCII words read the same in every encoding. A word scores when its
/// decoding, NFC and lowercased, is a Vietnamese syllable ([`is_syllable`]).
///
/// A sample [`utf16`] recognises is no evidence for any legacy encoding: it has no words and
/// every share is zero.
pub(crate) fn evidence(sample: &[u8]) -> Evidence {
    let sample = &sample[..sample.len().min(SAMPLE_BYTES)];
    let sample = if utf16(sample).is_some() {
        &[][..]
    } else {
        sample
    };
    let mut words = 0usize;
    let mut valid = [0usize; 3];
    let mut lower = String::new();
    for word in sample
        .split(|&b| !(b.is_ascii_alphabetic() || b >= 0x80))
        .filter(|w| w.iter().any(|&b| b >= 0x80))
    {
        words += 1;
        for (i, &encoding) in Encoding::LEGACY.iter().enumerate() {
            lower.clear();
            lower.extend(decode(word, encoding).chars().flat_map(char::to_lowercase));
            if is_syllable(&lower) {
                valid[i] += 1;
            }
        }
    }
    let share = |i: usize| {
        if words == 0 {
            0.0
        } else {
            valid[i] as f64 / words as f64
        }
    };
    Evidence {
        words,
        shares: [
            (Encoding::Windows1258, share(0)),
            (Encoding::Tcvn3, share(1)),
            (Encoding::Vni, share(2)),
        ],
    }
}

/// Decodes `bytes` to NFC UTF-8. UTF-8 loses a leading byte-order mark and has invalid
/// sequences replaced by U+FFFD; bytes a legacy encoding leaves undefined become U+FFFD.
/// UTF-16 is read as [`DecodingReader`] reads it: in the order of a leading byte-order mark,
/// which is dropped, and with U+FFFD for an unpaired surrogate or an odd last byte.
pub(crate) fn decode(bytes: &[u8], encoding: Encoding) -> String {
    let raw: String = match encoding {
        Encoding::Utf8 => {
            String::from_utf8_lossy(bytes.strip_prefix(BOM).unwrap_or(bytes)).into_owned()
        }
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let (big_endian, bom) = utf16_order(bytes, encoding == Encoding::Utf16Be);
            let mut out = String::with_capacity(bytes.len());
            decode_utf16(&bytes[bom..], big_endian, true, &mut out);
            out
        }
        Encoding::Windows1258 => bytes.iter().map(|&b| cp1258(b)).collect(),
        Encoding::Tcvn3 => bytes.iter().map(|&b| tcvn3(b)).collect(),
        Encoding::Vni => decode_vni(bytes),
    };
    if raw.is_ascii() {
        raw
    } else {
        raw.nfc().collect()
    }
}

// ---------------------------------------------------------------------------------------------
// UTF-16

/// The byte order to read UTF-16 `bytes` in, and the length of the byte-order mark to skip: a
/// leading mark's order whichever was asked (a reversed mark, U+FFFE, is a noncharacter and
/// never text), otherwise `big_endian` with nothing to skip.
fn utf16_order(bytes: &[u8], big_endian: bool) -> (bool, usize) {
    if bytes.starts_with(BOM_16LE) {
        (false, BOM_16LE.len())
    } else if bytes.starts_with(BOM_16BE) {
        (true, BOM_16BE.len())
    } else {
        (big_endian, 0)
    }
}

/// Appends the UTF-16 code units at the start of `bytes` to `out`, and returns how many bytes it
/// used. An unpaired surrogate becomes U+FFFD. Unless `end` (no more bytes follow), a last odd
/// byte and a last lead surrogate are left unused, for the caller to pass again with the bytes
/// that complete them; at the end each becomes U+FFFD instead.
fn decode_utf16(bytes: &[u8], big_endian: bool, end: bool, out: &mut String) -> usize {
    let unit = |i: usize| {
        let pair = [bytes[i], bytes[i + 1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    };
    let mut i = 0;
    while i + 2 <= bytes.len() {
        let first = unit(i);
        let c = match first {
            0xD800..=0xDBFF if i + 4 <= bytes.len() => {
                let second = unit(i + 2);
                if (0xDC00..=0xDFFF).contains(&second) {
                    i += 2;
                    let scalar = 0x10000
                        + ((u32::from(first) - 0xD800) << 10)
                        + (u32::from(second) - 0xDC00);
                    char::from_u32(scalar).unwrap_or(char::REPLACEMENT_CHARACTER)
                } else {
                    char::REPLACEMENT_CHARACTER // `second` is decoded on its own next
                }
            }
            0xD800..=0xDBFF if !end => return i, // its trail surrogate is still to come
            0xD800..=0xDFFF => char::REPLACEMENT_CHARACTER,
            _ => char::from_u32(u32::from(first)).unwrap_or(char::REPLACEMENT_CHARACTER),
        };
        out.push(c);
        i += 2;
    }
    if end && i < bytes.len() {
        out.push(char::REPLACEMENT_CHARACTER); // half a code unit
        i = bytes.len();
    }
    i
}

// ---------------------------------------------------------------------------------------------
// Tables

/// Windows-1252 for 0x80-0x9F (U+FFFD where undefined); 0xA0-0xFF are Latin-1 in both 1252 and
/// the unused positions of TCVN3 and VNI.
const CP1252_C1: [char; 32] = [
    '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
    '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{FFFD}',
    'ž', 'Ÿ',
];

fn cp1252(b: u8) -> char {
    match b {
        0x00..=0x7F => b as char,
        0x80..=0x9F => CP1252_C1[(b - 0x80) as usize],
        _ => char::from(b), // Latin-1
    }
}

/// Windows-1258: Windows-1252 without Š š Ž ž, with Vietnamese letters and combining tone marks
/// in place of some Latin-1 letters.
fn cp1258(b: u8) -> char {
    match b {
        0x8A | 0x8E | 0x9A | 0x9E => '\u{FFFD}',
        0xC3 => 'Ă',
        0xCC => '\u{0300}', // grave (huyền)
        0xD0 => 'Đ',
        0xD2 => '\u{0309}', // hook above (hỏi)
        0xD5 => 'Ơ',
        0xDD => 'Ư',
        0xDE => '\u{0303}', // tilde (ngã)
        0xE3 => 'ă',
        0xEC => '\u{0301}', // acute (sắc)
        0xF0 => 'đ',
        0xF2 => '\u{0323}', // dot below (nặng)
        0xF5 => 'ơ',
        0xFD => 'ư',
        0xFE => '₫',
        _ => cp1252(b),
    }
}

/// TCVN3 (ABC) for 0xA1-0xFE; other bytes read as Windows-1252.
const TCVN3_HIGH: [char; 94] = [
    // 0xA1-0xAF
    'Ă', 'Â', 'Ê', 'Ô', 'Ơ', 'Ư', 'Đ', 'ă', 'â', 'ê', 'ô', 'ơ', 'ư', 'đ', '¯',
    // 0xB0-0xBF
    '°', '±', '²', '³', '´', 'à', 'ả', 'ã', 'á', 'ạ', 'º', 'ằ', 'ẳ', 'ẵ', 'ắ', '¿',
    // 0xC0-0xCF
    'À', 'Á', 'Â', 'Ã', 'Ä', 'Å', 'ặ', 'ầ', 'ẩ', 'ẫ', 'ấ', 'ậ', 'è', 'Í', 'ẻ', 'ẽ',
    // 0xD0-0xDF
    'é', 'ẹ', 'ề', 'ể', 'ễ', 'ế', 'ệ', 'ì', 'ỉ', 'Ù', 'Ú', 'Û', 'ĩ', 'í', 'ị', 'ò',
    // 0xE0-0xEF
    'à', 'ỏ', 'õ', 'ó', 'ọ', 'ồ', 'ổ', 'ỗ', 'ố', 'ộ', 'ờ', 'ở', 'ỡ', 'ớ', 'ợ', 'ù',
    // 0xF0-0xFE
    'ð', 'ủ', 'ũ', 'ú', 'ụ', 'ừ', 'ử', 'ữ', 'ứ', 'ự', 'ỳ', 'ỷ', 'ỹ', 'ý', 'ỵ',
];

fn tcvn3(b: u8) -> char {
    match b {
        0xA1..=0xFE => TCVN3_HIGH[(b - 0xA1) as usize],
        _ => cp1252(b),
    }
}

const GRAVE: char = '\u{0300}';
const ACUTE: char = '\u{0301}';
const TILDE: char = '\u{0303}';
const HOOK: char = '\u{0309}';
const DOT: char = '\u{0323}';
const CIRCUMFLEX: char = '\u{0302}';
const BREVE: char = '\u{0306}';

/// A VNI mark byte (lowercase form, 0xE0-0xFC; capitals are 0x20 lower): the combining marks
/// it adds, and whether it needs a base that takes a circumflex (a e o) or a breve (a).
fn vni_mark(b: u8) -> Option<(&'static [char], MarkBase)> {
    use MarkBase::*;
    Some(match b {
        0xF8 => (&[GRAVE], Vowel),
        0xF9 => (&[ACUTE], Vowel),
        0xF5 => (&[TILDE], Vowel),
        0xFB => (&[HOOK], Vowel),
        0xEF => (&[DOT], Vowel),
        0xE2 => (&[CIRCUMFLEX], Circumflex),
        0xE0 => (&[CIRCUMFLEX, GRAVE], Circumflex),
        0xE1 => (&[CIRCUMFLEX, ACUTE], Circumflex),
        0xE3 => (&[CIRCUMFLEX, TILDE], Circumflex),
        0xE5 => (&[CIRCUMFLEX, HOOK], Circumflex),
        0xE4 => (&[CIRCUMFLEX, DOT], Circumflex),
        0xEA => (&[BREVE], Breve),
        0xE8 => (&[BREVE, GRAVE], Breve),
        0xE9 => (&[BREVE, ACUTE], Breve),
        0xFC => (&[BREVE, TILDE], Breve),
        0xFA => (&[BREVE, HOOK], Breve),
        0xEB => (&[BREVE, DOT], Breve),
        _ => return None,
    })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MarkBase {
    /// A tone alone: any vowel (a e i o u y ơ ư).
    Vowel,
    /// a e o.
    Circumflex,
    /// a.
    Breve,
}

/// VNI's single-byte letters (lowercase byte; the capital is 0x20 lower).
fn vni_letter(b: u8) -> Option<(char, char)> {
    Some(match b {
        0xF1 => ('đ', 'Đ'),
        0xF4 => ('ơ', 'Ơ'),
        0xF6 => ('ư', 'Ư'),
        0xEC => ('ì', 'Ì'),
        0xED => ('í', 'Í'),
        0xE6 => ('ỉ', 'Ỉ'),
        0xF3 => ('ĩ', 'Ĩ'),
        0xF2 => ('ị', 'Ị'),
        0xEE => ('ỵ', 'Ỵ'),
        _ => return None,
    })
}

/// Decodes VNI (not yet NFC: base letters followed by combining marks).
fn decode_vni(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + bytes.len() / 4);
    // The last letter written, when a mark byte may still attach to it.
    let mut base: Option<char> = None;
    for &b in bytes {
        let lower = if (0xC0..=0xDF).contains(&b) {
            b + 0x20
        } else {
            b
        };
        if b >= 0xC0 {
            if let (Some(prev), Some((marks, kind))) = (base, vni_mark(lower)) {
                let fits = match kind {
                    MarkBase::Vowel => "aeiouyơưAEIOUYƠƯ".contains(prev),
                    MarkBase::Circumflex => "aeoAEO".contains(prev),
                    MarkBase::Breve => "aA".contains(prev),
                };
                if fits {
                    out.extend(marks);
                    base = None;
                    continue;
                }
            }
            if let Some((small, capital)) = vni_letter(lower) {
                let letter = if b == lower { small } else { capital };
                out.push(letter);
                base = matches!(letter, 'ơ' | 'ư' | 'Ơ' | 'Ư').then_some(letter);
                continue;
            }
        }
        let c = cp1252(b);
        out.push(c);
        base = c.is_ascii_alphabetic().then_some(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Syllables

/// Initial consonants, longest first so that `ngh` is tried before `ng` and `n`.
const INITIALS: [&str; 28] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "qu", "th", "tr", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];

/// Final consonants (the semivowel finals i y o u are part of the nuclei below).
const FINALS: [&str; 9] = ["ch", "ng", "nh", "c", "m", "n", "p", "t", ""];

/// Vowel nuclei with their semivowel endings, tone marks removed, and whether a final
/// consonant must (`Some(true)`), may (`None`) or must not (`Some(false)`) follow.
const NUCLEI: [(&str, Option<bool>); 53] = [
    ("a", None),
    ("ă", Some(true)),
    ("â", Some(true)),
    ("e", None),
    ("ê", None),
    ("i", None),
    ("o", None),
    ("ô", None),
    ("ơ", None),
    ("u", None),
    ("ư", None),
    ("y", Some(false)),
    ("ai", Some(false)),
    ("ao", Some(false)),
    ("au", Some(false)),
    ("ay", Some(false)),
    ("âu", Some(false)),
    ("ây", Some(false)),
    ("eo", Some(false)),
    ("êu", Some(false)),
    ("ia", Some(false)),
    ("iê", Some(true)),
    ("iu", Some(false)),
    ("oa", None),
    ("oă", Some(true)),
    ("oe", None),
    ("oi", Some(false)),
    ("oo", Some(true)),
    ("ôi", Some(false)),
    ("ơi", Some(false)),
    ("ua", Some(false)),
    ("uâ", Some(true)),
    ("uê", None),
    ("ui", Some(false)),
    ("uô", Some(true)),
    ("uơ", Some(false)),
    ("uy", None),
    ("ưa", Some(false)),
    ("ưi", Some(false)),
    ("ươ", Some(true)),
    ("ưu", Some(false)),
    ("yê", Some(true)),
    ("iêu", Some(false)),
    ("yêu", Some(false)),
    ("oai", Some(false)),
    ("oao", Some(false)),
    ("oay", Some(false)),
    ("oeo", Some(false)),
    ("uây", Some(false)),
    ("uôi", Some(false)),
    ("ươi", Some(false)),
    ("ươu", Some(false)),
    ("uyê", Some(true)),
];

/// Also open-only, listed apart to keep the table above readable.
const MORE_NUCLEI: [&str; 2] = ["uya", "uyu"];

/// True when `word` (lowercase) is a plausible Vietnamese syllable: an optional initial from
/// the standard list, a vowel nucleus, an optional final, and at most one tone mark, with the
/// rules that matter most for telling encodings apart (a stop final c ch p t takes only the
/// acute or dot-below tone; ch and nh follow only a ê i uy oa uê; gh ngh k only before e ê i y;
/// c q only before others).
pub(crate) fn is_syllable(word: &str) -> bool {
    if word.is_empty() || word.len() > 32 {
        return false;
    }
    let mut tones = 0;
    let mut tone = None;
    let base: String = word
        .nfd()
        .filter(|&c| {
            if matches!(c, GRAVE | ACUTE | TILDE | HOOK | DOT) {
                tones += 1;
                tone = Some(c);
                false
            } else {
                true
            }
        })
        .nfc()
        .collect();
    if tones > 1
        || !base
            .chars()
            .all(|c| c.is_ascii_lowercase() || "đăâêôơư".contains(c))
        || base.contains(['f', 'j', 'w', 'z'])
    {
        return false;
    }
    INITIALS.iter().any(|&initial| {
        let Some(rest) = base.strip_prefix(initial) else {
            return false;
        };
        if initial == "gi" {
            // "giếng" is gi + iêng with the i written once; "gì" is gi + i.
            let with_i = format!("i{rest}");
            if rhyme_ok(initial, &with_i, tone) {
                return true;
            }
        }
        rhyme_ok(initial, rest, tone)
    })
}

fn rhyme_ok(initial: &str, rhyme: &str, tone: Option<char>) -> bool {
    FINALS.iter().any(|&last| {
        let Some(nucleus) = rhyme.strip_suffix(last) else {
            return false;
        };
        let need = match NUCLEI.iter().find(|(n, _)| *n == nucleus) {
            Some(&(_, need)) => need,
            None if MORE_NUCLEI.contains(&nucleus) => Some(false),
            None => return false,
        };
        match (need, last.is_empty()) {
            (Some(true), true) | (Some(false), false) => return false,
            _ => {}
        }
        if matches!(last, "c" | "ch" | "p" | "t") && !matches!(tone, Some(ACUTE | DOT)) {
            return false;
        }
        if matches!(last, "ch" | "nh") && !matches!(nucleus, "a" | "ê" | "i" | "uy" | "oa" | "uê")
        {
            return false;
        }
        let first = nucleus.chars().next().unwrap_or(' ');
        let front = matches!(first, 'e' | 'ê' | 'i' | 'y');
        match initial {
            "gh" | "ngh" | "k" => front,
            "c" => !front,
            "qu" => !nucleus.starts_with('u'),
            _ => true,
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Streaming

/// A reader that decodes `inner` from `encoding` to NFC UTF-8 as it is read, for the CSV reader.
///
/// Input is decoded up to its last line break at a time, so a letter and its marks (and NFC's
/// view of them) are never split across reads; a line longer than the buffer is decoded at the
/// buffer's end. A UTF-8 `inner` is passed through unchanged but for a leading byte-order mark
/// (the CSV reader reports invalid UTF-8 per field).
///
/// UTF-16 is decoded code unit by code unit as bytes arrive, so a unit or a surrogate pair cut
/// between two reads of `inner` is joined first; the text is then made NFC up to its last line
/// break, like the legacy encodings' (a line longer than the buffer is cut before its last
/// ASCII character, which composes with nothing before it). A leading byte-order mark is
/// dropped and decides the byte order, whichever of [`Encoding::Utf16Le`] and
/// [`Encoding::Utf16Be`] was asked for. An unpaired surrogate, and an odd byte at the very end,
/// become U+FFFD. Each U+000A is one `\n` byte out, so line numbers stay those of the file.
pub(crate) struct DecodingReader<R> {
    inner: R,
    encoding: Encoding,
    /// Raw bytes read but not yet decoded (the tail after the last line break; for UTF-16, an
    /// odd byte or a lead surrogate waiting for the rest).
    pending: Vec<u8>,
    /// UTF-16 only: text decoded but not yet made NFC (the tail after the last line break).
    text: String,
    /// UTF-16 only: the byte order, once a byte-order mark has been looked for.
    big_endian: bool,
    /// Decoded bytes not yet handed out, from `out_pos`.
    out: Vec<u8>,
    out_pos: usize,
    eof: bool,
    started: bool,
}

const READ_CHUNK: usize = 1 << 16;

impl<R: Read> DecodingReader<R> {
    pub(crate) fn new(inner: R, encoding: Encoding) -> DecodingReader<R> {
        DecodingReader {
            inner,
            encoding,
            pending: Vec::new(),
            text: String::new(),
            big_endian: encoding == Encoding::Utf16Be,
            out: Vec::new(),
            out_pos: 0,
            eof: false,
            started: false,
        }
    }

    /// Reads and decodes until there is output or the input ends.
    fn fill(&mut self) -> io::Result<()> {
        if matches!(self.encoding, Encoding::Utf16Le | Encoding::Utf16Be) {
            return self.fill_utf16();
        }
        let mut buf = vec![0u8; READ_CHUNK];
        while self.out_pos == self.out.len() && !(self.eof && self.pending.is_empty()) {
            if !self.eof {
                let n = self.inner.read(&mut buf)?;
                if n == 0 {
                    self.eof = true;
                } else {
                    self.pending.extend_from_slice(&buf[..n]);
                }
            }
            let mut cut = if self.eof {
                self.pending.len()
            } else if let Some(i) = self.pending.iter().rposition(|&b| b == b'\n') {
                i + 1
            } else if self.pending.len() >= 4 * READ_CHUNK {
                self.pending.len() - 1 // a very long line: keep one byte for a following mark
            } else {
                continue;
            };
            if !self.started {
                // Wait for enough bytes to see a whole byte-order mark.
                if cut < BOM.len() && !self.eof {
                    continue;
                }
                self.started = true;
                if self.encoding == Encoding::Utf8 && self.pending.starts_with(BOM) {
                    self.pending.drain(..BOM.len());
                    cut -= BOM.len();
                }
            }
            self.out.clear();
            self.out_pos = 0;
            if self.encoding == Encoding::Utf8 {
                self.out.extend(self.pending.drain(..cut));
            } else {
                let text = decode(&self.pending[..cut], self.encoding);
                self.out.extend_from_slice(text.as_bytes());
                self.pending.drain(..cut);
            }
        }
        Ok(())
    }

    /// [`DecodingReader::fill`] for UTF-16.
    fn fill_utf16(&mut self) -> io::Result<()> {
        let mut buf = vec![0u8; READ_CHUNK];
        while self.out_pos == self.out.len()
            && !(self.eof && self.pending.is_empty() && self.text.is_empty())
        {
            if !self.eof {
                let n = self.inner.read(&mut buf)?;
                if n == 0 {
                    self.eof = true;
                } else {
                    self.pending.extend_from_slice(&buf[..n]);
                }
            }
            if !self.started {
                // Wait for enough bytes to see a whole byte-order mark.
                if self.pending.len() < BOM_16LE.len() && !self.eof {
                    continue;
                }
                self.started = true;
                let (big_endian, bom) = utf16_order(&self.pending, self.big_endian);
                self.big_endian = big_endian;
                self.pending.drain(..bom);
            }
            let used = decode_utf16(&self.pending, self.big_endian, self.eof, &mut self.text);
            self.pending.drain(..used);
            let cut = if self.eof {
                self.text.len()
            } else if let Some(i) = self.text.rfind('\n') {
                i + 1
            } else if self.text.len() >= 4 * READ_CHUNK {
                // A very long line. No canonical composition has an ASCII second character and
                // ASCII characters are starters, so the NFC of the text on each side of a cut
                // before one, put together, is the NFC of the whole.
                match self.text.rfind(|c: char| c.is_ascii()) {
                    Some(i) if i > 0 => i,
                    _ => self.text.len(),
                }
            } else {
                continue;
            };
            self.out.clear();
            self.out_pos = 0;
            let part = &self.text[..cut];
            if part.is_ascii() {
                self.out.extend_from_slice(part.as_bytes());
            } else {
                let mut utf8 = [0u8; 4];
                for c in part.nfc() {
                    self.out
                        .extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                }
            }
            self.text.drain(..cut);
        }
        Ok(())
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.out_pos == self.out.len() {
            self.fill()?;
        }
        let available = &self.out[self.out_pos..];
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.out_pos += n;
        Ok(n)
    }
}

// ---------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The 134 Vietnamese letters with diacritics (67 lowercase, then their capitals), NFC.
    const LOWER: &str = "àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ";

    fn letters() -> Vec<char> {
        let lower: Vec<char> = LOWER.chars().collect();
        let upper: Vec<char> = LOWER.chars().flat_map(char::to_uppercase).collect();
        [lower, upper].concat()
    }

    /// Splits an NFC letter into its base (with circumflex, breve or horn) and tone.
    fn split(c: char) -> (String, Option<char>) {
        let mut tone = None;
        let base: String = c
            .to_string()
            .nfd()
            .filter(|&m| {
                let t = matches!(m, GRAVE | ACUTE | TILDE | HOOK | DOT);
                if t {
                    tone = Some(m);
                }
                !t
            })
            .nfc()
            .collect();
        (base, tone)
    }

    /// Test-only encoders, inverting the decoders' own tables (UTF-16 without a byte-order mark).
    fn encode(text: &str, encoding: Encoding) -> Vec<u8> {
        match encoding {
            Encoding::Utf16Le => return utf16_bytes(text, false, false),
            Encoding::Utf16Be => return utf16_bytes(text, true, false),
            _ => {}
        }
        let mut out = Vec::new();
        for c in text.nfc() {
            if c.is_ascii() {
                out.push(c as u8);
                continue;
            }
            match encoding {
                Encoding::Utf8 => out.extend(c.to_string().as_bytes()),
                Encoding::Utf16Le | Encoding::Utf16Be => unreachable!(),
                Encoding::Windows1258 => {
                    let byte = |c: char| (0u8..=0xFF).find(|&b| cp1258(b) == c);
                    if let Some(b) = byte(c) {
                        out.push(b);
                    } else {
                        let (base, tone) = split(c);
                        let base = base.chars().next().unwrap();
                        out.push(byte(base).unwrap_or_else(|| panic!("{c} base")));
                        out.push(byte(tone.unwrap()).unwrap());
                    }
                }
                Encoding::Tcvn3 => {
                    let byte = |c: char| (0xA1..=0xFE).find(|&b| tcvn3(b) == c);
                    // Capital toned letters are typed in the capitals font with lowercase codes.
                    let c = if "ĂÂÊÔƠƯĐ".contains(c) {
                        c
                    } else {
                        c.to_lowercase().next().unwrap()
                    };
                    let b = byte(c).unwrap_or_else(|| panic!("{c} not in TCVN3"));
                    out.push(b);
                }
                Encoding::Vni => {
                    let upper = c.is_uppercase();
                    let shift = if upper { 0x20 } else { 0 };
                    let letter = (0xE0..=0xFFu8).find(|&b| {
                        vni_letter(b).is_some_and(|(s, k)| if upper { k == c } else { s == c })
                    });
                    if let Some(b) = letter {
                        out.push(b - shift);
                        continue;
                    }
                    let (base, tone) = split(c);
                    let mut d: Vec<char> = base.nfd().collect();
                    let single = |ch: char| {
                        (0xE0..=0xFFu8).find(|&b| {
                            vni_letter(b)
                                .is_some_and(|(s, k)| if upper { k == ch } else { s == ch })
                        })
                    };
                    let mut marks = Vec::new();
                    if let Some(b) = single(base.chars().next().unwrap()) {
                        out.push(b - shift); // ơ ư
                    } else {
                        out.push(d.remove(0) as u8);
                        marks.extend(d);
                    }
                    marks.extend(tone);
                    if !marks.is_empty() {
                        let m = (0xE0..=0xFFu8)
                            .find(|&b| vni_mark(b).is_some_and(|(ms, _)| ms == marks.as_slice()))
                            .unwrap_or_else(|| panic!("{c}: no VNI mark"));
                        out.push(m - shift);
                    }
                }
            }
        }
        out
    }

    /// `text` as UTF-16 in the given order, with a byte-order mark first when `bom`.
    fn utf16_bytes(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        units
            .flat_map(|u| {
                if big_endian {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    /// An inner reader that hands out at most `.1` bytes per read.
    struct Trickle<'a>(&'a [u8], usize);

    impl Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    /// Everything a [`DecodingReader`] over `bytes` gives, read `inner_step` bytes at a time from
    /// the inner reader and `outer_step` bytes at a time from the decoding reader.
    fn read_all(bytes: &[u8], encoding: Encoding, inner_step: usize, outer_step: usize) -> String {
        let mut reader = DecodingReader::new(Trickle(bytes, inner_step), encoding);
        let mut out = Vec::new();
        let mut buf = vec![0u8; outer_step];
        loop {
            let n = reader.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        String::from_utf8(out).expect("the reader writes UTF-8")
    }

    fn fixture(name: &str) -> Vec<u8> {
        let path: PathBuf = [
            env!("CARGO_MANIFEST_DIR"),
            "tests",
            "fixtures_encoding",
            name,
        ]
        .iter()
        .collect();
        std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    }

    fn fixture_text() -> String {
        String::from_utf8(fixture("utf8.csv")).unwrap()
    }

    #[test]
    fn flag_values_parse_and_print() {
        for e in Encoding::ALL {
            assert_eq!(e.as_str().parse::<Encoding>(), Ok(e));
            assert_eq!(e.to_string(), e.as_str());
        }
        assert_eq!("UTF8".parse(), Ok(Encoding::Utf8));
        assert_eq!("CP1258".parse(), Ok(Encoding::Windows1258));
        assert_eq!("TCVN3".parse(), Ok(Encoding::Tcvn3));
        for le in ["UTF-16LE", "utf16le", "utf-16-le", "Utf_16_Le", "utf-16"] {
            assert_eq!(le.parse(), Ok(Encoding::Utf16Le), "{le}");
        }
        for be in ["UTF-16BE", "utf16be", "utf-16-be", "UTF 16 BE"] {
            assert_eq!(be.parse(), Ok(Encoding::Utf16Be), "{be}");
        }
        let err = "latin1".parse::<Encoding>().unwrap_err();
        assert!(err
            .to_string()
            .contains("utf-16le, utf-16be, windows-1258, tcvn3 or vni"));
    }

    #[test]
    fn tables_round_trip_every_vietnamese_letter() {
        for encoding in [Encoding::Windows1258, Encoding::Vni] {
            for c in letters() {
                let bytes = encode(&c.to_string(), encoding);
                assert_eq!(decode(&bytes, encoding), c.to_string(), "{encoding} {c}");
            }
        }
        // TCVN3: the 67 lowercase letters and Ă Â Ê Ô Ơ Ư Đ are exact; other capitals come
        // back lowercase (the legacy capitals font used the lowercase codes).
        for c in letters() {
            let bytes = encode(&c.to_string(), Encoding::Tcvn3);
            assert_eq!(bytes.len(), 1, "{c}");
            let back = decode(&bytes, Encoding::Tcvn3);
            if c.is_lowercase() || "ĂÂÊÔƠƯĐ".contains(c) {
                assert_eq!(back, c.to_string());
            } else {
                assert_eq!(back, c.to_lowercase().to_string());
            }
        }
    }

    #[test]
    fn tcvn3_table_has_the_quoted_codes() {
        // The examples of the TCVN3 table as usually quoted.
        let pairs = [
            (0xB8, 'á'),
            (0xB5, 'à'),
            (0xB6, 'ả'),
            (0xB7, 'ã'),
            (0xB9, 'ạ'),
            (0xA8, 'ă'),
            (0xA9, 'â'),
            (0xAA, 'ê'),
            (0xAB, 'ô'),
            (0xAC, 'ơ'),
            (0xAD, 'ư'),
            (0xAE, 'đ'),
            (0xA7, 'Đ'),
            (0xA1, 'Ă'),
            (0xA2, 'Â'),
            (0xA3, 'Ê'),
            (0xA4, 'Ô'),
            (0xA5, 'Ơ'),
            (0xA6, 'Ư'),
        ];
        for (b, c) in pairs {
            assert_eq!(tcvn3(b), c, "{b:#x}");
        }
    }

    #[test]
    fn known_spellings_decode() {
        assert_eq!(decode(b"Nguy\xEA\xDEn", Encoding::Windows1258), "Nguyễn");
        assert_eq!(
            decode(b"Nguy\xD4n H\xF7u \xA7\xF8c", Encoding::Tcvn3),
            "Nguyễn Hữu Đức"
        );
        assert_eq!(
            decode(b"Nguye\xE3n H\xF6\xF5u \xD1\xF6\xF9c", Encoding::Vni),
            "Nguyễn Hữu Đức"
        );
        assert_eq!(decode(b"NGUYE\xC3N", Encoding::Vni), "NGUYỄN");
        assert_eq!(decode(b"\xEF\xBB\xBFH\xC3\xA0", Encoding::Utf8), "Hà");
        // A VNI mark byte with nothing to attach to reads as Windows-1252.
        assert_eq!(decode(b"\xF9 x\xEA", Encoding::Vni), "ù xê");
    }

    #[test]
    fn fixtures_decode_to_the_utf8_original() {
        let original = fixture_text();
        for (file, encoding) in [
            ("windows1258.csv", Encoding::Windows1258),
            ("tcvn3.csv", Encoding::Tcvn3),
            ("vni.csv", Encoding::Vni),
        ] {
            let bytes = fixture(file);
            assert!(bytes.len() < 10_000);
            assert_eq!(decode(&bytes, encoding), original, "{file}");
            // The fixtures come from an independent transcription (make_fixtures.py); the
            // test encoder must agree with it but for CP1258's choice between a precomposed
            // byte and base + tone, which decode the same.
            if encoding != Encoding::Windows1258 {
                assert_eq!(encode(&original, encoding), bytes, "{file}");
            }
        }
    }

    #[test]
    fn each_fixture_is_detected_sure_as_itself() {
        for (file, expected) in [
            ("utf8.csv", Encoding::Utf8),
            ("windows1258.csv", Encoding::Windows1258),
            ("tcvn3.csv", Encoding::Tcvn3),
            ("vni.csv", Encoding::Vni),
        ] {
            let bytes = fixture(file);
            assert_eq!(detect(&bytes), Detection::Sure(expected), "{file}");
        }
    }

    #[test]
    fn encoded_name_lists_are_detected_sure_and_decode_back() {
        let text = fixture_text();
        for encoding in Encoding::LEGACY {
            let bytes = encode(&text, encoding);
            assert_eq!(detect(&bytes), Detection::Sure(encoding), "{encoding}");
            assert_eq!(decode(&bytes, encoding), text);
            let ev = evidence(&bytes);
            assert!(ev.words >= SURE_MIN_WORDS);
        }
        // CP1258 written fully decomposed (base letter + tone byte everywhere) too.
        let mut decomposed = Vec::new();
        for c in text.chars() {
            let (base, tone) = split(c);
            decomposed.extend(encode(&base, Encoding::Windows1258));
            if let Some(t) = tone {
                decomposed.push((0x80..=0xFF).find(|&b| cp1258(b) == t).unwrap());
            }
        }
        assert_eq!(detect(&decomposed), Detection::Sure(Encoding::Windows1258));
        assert_eq!(decode(&decomposed, Encoding::Windows1258), text);
    }

    #[test]
    fn few_words_are_only_likely() {
        for encoding in Encoding::LEGACY {
            let bytes = encode("Trần Thị Bích Ngọc", encoding);
            assert_eq!(detect(&bytes), Detection::Likely(encoding), "{encoding}");
        }
    }

    #[test]
    fn ascii_and_utf8_are_utf8() {
        assert_eq!(detect(b""), Detection::Sure(Encoding::Utf8));
        assert_eq!(
            detect(b"insurance_code,full_name\n1,Nguyen Van A\n"),
            Detection::Sure(Encoding::Utf8)
        );
        let mut bom = BOM.to_vec();
        bom.extend(fixture("utf8.csv"));
        assert_eq!(detect(&bom), Detection::Sure(Encoding::Utf8));
        // A sample cut in the middle of a character is still UTF-8.
        let cut = "Nguyễn".as_bytes();
        assert_eq!(
            detect(&cut[..cut.len() - 2]),
            Detection::Sure(Encoding::Utf8)
        );
    }

    #[test]
    fn random_bytes_are_never_sure() {
        let mut state = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..200 {
            let len = 64 + round * 97;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    (state >> 24) as u8
                })
                .collect();
            assert!(
                !matches!(detect(&bytes), Detection::Sure(_)),
                "round {round}"
            );
        }
        // Random high bytes between ASCII words, shaped like a CSV.
        for round in 0..50 {
            let mut bytes = b"insurance_code,full_name\n".to_vec();
            for _ in 0..200 {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                bytes.extend_from_slice(b"12,Ng");
                bytes.push(0x80 | (state as u8));
                bytes.push(b'n');
                bytes.push(if round % 2 == 0 { b' ' } else { b'\n' });
            }
            assert!(!matches!(detect(&bytes), Detection::Sure(_)), "csv {round}");
        }
    }

    #[test]
    fn syllables() {
        for w in [
            "nguyễn",
            "trường",
            "giếng",
            "gì",
            "quốc",
            "khuya",
            "nghiêng",
            "đức",
            "hoà",
            "hòa",
            "thuở",
            "xoong",
            "yêu",
            "uyên",
            "oanh",
            "ích",
            "ngoẹo",
            "bích",
            "kỳ",
            "quý",
        ] {
            assert!(is_syllable(w), "{w}");
        }
        for w in [
            "nguyờịn",
            "nguyeãn",
            "haø",
            "nguy¸n",
            "ka",
            "gha",
            "ăn\u{301}\u{300}",
            "anc",
            "tat",
            "x",
            "nguyeon",
            "ech",
        ] {
            assert!(!is_syllable(w), "{w}");
        }
    }

    #[test]
    fn reader_matches_decode_whatever_the_read_sizes() {
        let text = fixture_text();
        for encoding in Encoding::ALL {
            let bytes = encode(&text, encoding);
            for step in [1, 2, 3, 7, 100, 1 << 20] {
                let mut out = String::new();
                DecodingReader::new(Trickle(&bytes, step), encoding)
                    .read_to_string(&mut out)
                    .unwrap();
                assert_eq!(out, text, "{encoding} step {step}");
            }
        }
        let mut with_bom = BOM.to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        let mut out = String::new();
        DecodingReader::new(Trickle(&with_bom, 1), Encoding::Utf8)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
    }

    /// A short Vietnamese CSV with a character outside the BMP (a surrogate pair in UTF-16).
    const SMALL_CSV: &str =
        "insurance_code,full_name\n1,Nguyễn Thị Hoà\n2,Trần Văn Đức 😀\n3,Lê 𠀀 Anh\r\n";

    #[test]
    fn utf16_reads_back_whatever_the_split() {
        for text in [SMALL_CSV.to_string(), fixture_text()] {
            for (big_endian, bom, encoding) in [
                (false, true, Encoding::Utf16Le),
                (true, true, Encoding::Utf16Be),
                (false, false, Encoding::Utf16Le),
                (true, false, Encoding::Utf16Be),
            ] {
                let bytes = utf16_bytes(&text, big_endian, bom);
                let case = format!("{encoding} bom={bom}");
                assert_eq!(utf16(&bytes), Some(encoding), "{case}");
                assert_eq!(detect(&bytes), Detection::Sure(encoding), "{case}");
                assert_eq!(decode(&bytes, encoding), text, "{case}");
                // The text itself, so the same line breaks: line numbers are those of the file.
                for inner in [1, 2, 3, 5, 1 << 20] {
                    for outer in [1, 3, 4096] {
                        let out = read_all(&bytes, encoding, inner, outer);
                        assert_eq!(out, text, "{case} inner {inner} outer {outer}");
                    }
                }
            }
        }
    }

    #[test]
    fn utf16_byte_order_mark_decides_the_order() {
        // A file with a mark reads right whichever order was asked for.
        for big_endian in [false, true] {
            let bytes = utf16_bytes(SMALL_CSV, big_endian, true);
            for asked in [Encoding::Utf16Le, Encoding::Utf16Be] {
                assert_eq!(read_all(&bytes, asked, 1, 5), SMALL_CSV, "{asked}");
                assert_eq!(decode(&bytes, asked), SMALL_CSV, "{asked}");
            }
        }
        // Only a leading U+FEFF is a mark; one later is text, kept.
        let bytes = utf16_bytes("\u{FEFF}a\u{FEFF}b", false, false);
        assert_eq!(read_all(&bytes, Encoding::Utf16Le, 1, 1), "a\u{FEFF}b");
        // Empty inputs, with and without a mark.
        assert_eq!(read_all(b"", Encoding::Utf16Le, 1, 1), "");
        assert_eq!(read_all(b"\xFE\xFF", Encoding::Utf16Le, 1, 1), "");
    }

    #[test]
    fn utf16_damage_becomes_replacement_characters() {
        let le =
            |units: &[u16]| -> Vec<u8> { units.iter().flat_map(|u| u.to_le_bytes()).collect() };
        let cases: [(Vec<u8>, &str); 6] = [
            // A lead surrogate before a letter, a trail surrogate alone.
            (
                le(&[0x61, 0xD83D, 0x62, 0xDE00, 0x0A]),
                "a\u{FFFD}b\u{FFFD}\n",
            ),
            // Two leads, then a pair: the first lead is unpaired.
            (le(&[0xD83D, 0xD83D, 0xDE00]), "\u{FFFD}😀"),
            // A lead surrogate at the end of the input.
            (le(&[0x61, 0xD83D]), "a\u{FFFD}"),
            // An odd last byte: half a code unit.
            ([le(&[0x61, 0x62]), vec![0x63]].concat(), "ab\u{FFFD}"),
            // A lead surrogate and then half a code unit.
            ([le(&[0xD83D]), vec![0x00]].concat(), "\u{FFFD}\u{FFFD}"),
            // Nothing but an odd byte.
            (vec![0x41], "\u{FFFD}"),
        ];
        for (bytes, expected) in cases {
            assert_eq!(decode(&bytes, Encoding::Utf16Le), expected, "{bytes:x?}");
            for inner in [1, 2, 3, 64] {
                let out = read_all(&bytes, Encoding::Utf16Le, inner, 1);
                assert_eq!(out, expected, "{bytes:x?} inner {inner}");
            }
        }
    }

    #[test]
    fn utf16_output_is_nfc() {
        let nfc = "Nguyễn Thị Hoà\nTrường\n";
        let nfd: String = nfc.nfd().collect();
        assert_ne!(nfd, nfc);
        let bytes = utf16_bytes(&nfd, false, true);
        for inner in [1, 3, 1 << 20] {
            assert_eq!(read_all(&bytes, Encoding::Utf16Le, inner, 2), nfc);
        }
        assert_eq!(decode(&bytes, Encoding::Utf16Le), nfc);
    }

    #[test]
    fn utf16_long_line_is_cut_where_nfc_holds() {
        // Longer than the reader holds back for a line break, in decomposed letters (`aê`
        // as a, e, combining circumflex), read in chunks of 30 000, 30 001 and 30 002 code
        // units: the read that takes the line past that length ends after an `a`, after an
        // `e` (its mark still to come) and after a mark, one each.
        let line: String = "ae\u{302}".repeat(100_000);
        let bytes = utf16_bytes(&line, false, false);
        for inner in [60_000, 60_002, 60_004] {
            let out = read_all(&bytes, Encoding::Utf16Le, inner, 1 << 16);
            assert_eq!(out, "aê".repeat(100_000), "inner {inner}");
        }
    }

    #[test]
    fn utf16_is_recognised_only_when_unmistakable() {
        assert_eq!(utf16(b"\xFF\xFE"), Some(Encoding::Utf16Le));
        assert_eq!(utf16(b"\xFE\xFFx"), Some(Encoding::Utf16Be));
        // UTF-8 (with or without its mark), ASCII and the legacy encodings are not UTF-16.
        let text = fixture_text();
        let mut with_bom = BOM.to_vec();
        with_bom.extend_from_slice(text.as_bytes());
        assert_eq!(utf16(&with_bom), None);
        assert_eq!(utf16(text.as_bytes()), None);
        assert_eq!(utf16(b"insurance_code,full_name\n1,Nguyen Van A\n"), None);
        assert_eq!(utf16(b""), None);
        for file in ["windows1258.csv", "tcvn3.csv", "vni.csv", "utf8.csv"] {
            assert_eq!(utf16(&fixture(file)), None, "{file}");
        }
        for encoding in Encoding::LEGACY {
            assert_eq!(utf16(&encode(&text, encoding)), None, "{encoding}");
        }
        // Too short to tell without a mark.
        assert_eq!(utf16(&utf16_bytes("id,name", false, false)), None);
        // UTF-32, with or without its mark, is not UTF-16.
        let utf32: Vec<u8> = "\u{FEFF}id,name\n1,An\n"
            .chars()
            .flat_map(|c| (c as u32).to_le_bytes())
            .collect();
        assert_eq!(utf16(&utf32), None);
        assert_eq!(utf16(&utf32[4..]), None);
        // A sample cut after an odd number of bytes, as the first megabyte of a file may be.
        let bytes = utf16_bytes(&text, false, false);
        assert_eq!(utf16(&bytes[..bytes.len() - 1]), Some(Encoding::Utf16Le));
        // Decomposed Vietnamese: the combining grave U+0300 puts zeros in the low bytes.
        let nfd: String = "Hoàng Hồ Đằng Thành Huyền Hùng\n"
            .repeat(10)
            .nfd()
            .collect();
        for (big_endian, encoding) in [(false, Encoding::Utf16Le), (true, Encoding::Utf16Be)] {
            let bytes = utf16_bytes(&nfd, big_endian, false);
            assert_eq!(utf16(&bytes), Some(encoding));
        }
    }

    #[test]
    fn utf16_is_never_taken_for_a_legacy_encoding() {
        let text = fixture_text();
        for sample in [SMALL_CSV, text.as_str()] {
            for big_endian in [false, true] {
                for bom in [false, true] {
                    let bytes = utf16_bytes(sample, big_endian, bom);
                    let found = detect(&bytes);
                    assert!(
                        matches!(
                            found,
                            Detection::Sure(Encoding::Utf16Le | Encoding::Utf16Be)
                        ),
                        "{found:?}"
                    );
                    let ev = evidence(&bytes);
                    assert_eq!(ev.words, 0);
                    assert!(ev.shares.iter().all(|&(_, share)| share == 0.0));
                }
            }
        }
    }
}
