//! Numbers as the outputs write them: counts with thousands separators, scores with two
//! decimals.

/// `1234567` → `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    grouped(n, ',')
}

/// `n` with its digits in groups of three, `separator` between them: `1.234.567`.
pub(crate) fn grouped(n: u64, separator: char) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(separator);
        }
        out.push(c);
    }
    out
}

/// `format!("{v:.2}")` appended to `out`, byte for byte, without its exact-decimal machinery
/// in the usual case (a mismatches row writes seven scores, into reused buffers).
pub(crate) fn two_decimals_into(v: f64, out: &mut String) {
    use std::fmt::Write;
    let scaled = v.abs() * 100.0;
    // Below 10^9 the product is within 2^-53 × 10^9 ≈ 1.1e-7 of the exact v × 100, so unless
    // the exact value lies within that of a tie (a fraction of .5, where rounding rules
    // differ), rounding the product gives the digits the exact expansion gives.
    if scaled < 1e9 && ((scaled - scaled.floor()) - 0.5).abs() > 1e-6 {
        let cents = scaled.round() as u64;
        if v.is_sign_negative() {
            out.push('-');
        }
        out.push_str(itoa::Buffer::new().format(cents / 100));
        out.push('.');
        out.push(char::from(b'0' + (cents % 100 / 10) as u8));
        out.push(char::from(b'0' + (cents % 10) as u8));
    } else {
        write!(out, "{v:.2}").expect("writing to a String");
    }
}

/// A score cell: `score` with two decimals into `out` (emptied first); nothing when there is
/// none.
pub(crate) fn score_into(score: Option<f64>, out: &mut String) {
    out.clear();
    if let Some(v) = score {
        two_decimals_into(v, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_165_515), "1,165,515");
    }

    fn two_decimals(v: f64) -> String {
        let mut out = String::new();
        two_decimals_into(v, &mut out);
        out
    }

    #[test]
    fn two_decimals_writes_what_format_writes() {
        let mut rng = crate::rng::Rng::new(5);
        let mut values = vec![
            0.0,
            -0.0,
            0.005,
            0.015,
            0.125,
            0.375,
            1.005,
            2.675,
            -2.675,
            -0.001,
            0.994999,
            0.995,
            9.995,
            99.995,
            1e7 - 0.005,
            1e7 + 0.005,
            123456.785,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            1e300,
            -1e300,
        ];
        for _ in 0..200_000 {
            let bits = rng.below(1_000_000_000);
            // Scores in bits (±100), the odd large value, and exact cents with ties.
            values.push((bits as f64 / 1e7 - 50.0) * 2.0);
            values.push((bits as f64 - 5e8) / 1e3);
            values.push((bits % 100_000) as f64 / 1000.0 - 50.0);
        }
        for v in values {
            assert_eq!(two_decimals(v), format!("{v:.2}"), "{v:e}");
        }
    }
}
