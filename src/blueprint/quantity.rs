//! Kubernetes resource quantities: sizes (`10Gi`, `500M`, `1.5Ti`) as bytes,
//! and cpu (`250m`, `1.5`, metrics-server's `123456789n`) as millicores.

/// The number of bytes a quantity stands for, rounded up to a whole byte.
/// Only the forms a storage size takes: a decimal number and an optional
/// binary (`Ki`…`Ei`) or decimal (`k`…`E`) suffix.
pub fn parse_bytes(text: &str) -> Option<u128> {
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let multiplier: u128 = match suffix {
        "" => 1,
        "k" => 1_000,
        "M" => 1_000_000,
        "G" => 1_000_000_000,
        "T" => 1_000_000_000_000,
        "P" => 1_000_000_000_000_000,
        "E" => 1_000_000_000_000_000_000,
        "Ki" => 1 << 10,
        "Mi" => 1 << 20,
        "Gi" => 1 << 30,
        "Ti" => 1 << 40,
        "Pi" => 1 << 50,
        "Ei" => 1 << 60,
        _ => return None,
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if number.contains('.')
        && (fraction.is_empty() || !fraction.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    let scale = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    let digits: u128 = format!("{whole}{fraction}").parse().ok()?;
    let scaled = digits.checked_mul(multiplier)?;
    Some(scaled.div_ceil(scale))
}

/// The millicores a cpu quantity stands for, rounded up: cores, `m`
/// (milli), `u` (micro) or `n` (nano), which metrics-server reports.
pub fn parse_millicores(text: &str) -> Option<u128> {
    let (number, nanos_per_unit): (&str, u128) = match text.as_bytes().last()? {
        b'n' => (&text[..text.len() - 1], 1),
        b'u' => (&text[..text.len() - 1], 1_000),
        b'm' => (&text[..text.len() - 1], 1_000_000),
        _ => (text, 1_000_000_000),
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits_only = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits_only(whole) || !digits_only(fraction) || number.ends_with('.') {
        return None;
    }
    let scale = 10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?;
    let digits: u128 = format!("{whole}{fraction}").parse().ok()?;
    let nanos = digits.checked_mul(nanos_per_unit)?.div_ceil(scale);
    Some(nanos.div_ceil(1_000_000))
}

#[cfg(test)]
mod tests {
    use super::{parse_bytes, parse_millicores};

    #[test]
    fn cpu_in_every_unit() {
        assert_eq!(parse_millicores("250m"), Some(250));
        assert_eq!(parse_millicores("1.5"), Some(1500));
        assert_eq!(parse_millicores("2"), Some(2000));
        assert_eq!(parse_millicores("123456789n"), Some(124));
        assert_eq!(parse_millicores("500u"), Some(1));
        for bad in ["", "m", "1.m", "x", "-1"] {
            assert_eq!(parse_millicores(bad), None, "{bad}");
        }
    }

    #[test]
    fn binary_and_decimal_suffixes() {
        assert_eq!(parse_bytes("10Gi"), Some(10 * (1 << 30)));
        assert_eq!(parse_bytes("500M"), Some(500_000_000));
        assert_eq!(parse_bytes("1.5Ki"), Some(1536));
        assert_eq!(parse_bytes("42"), Some(42));
    }

    #[test]
    fn malformed_quantities_are_rejected() {
        for bad in ["10Gx", "", "Gi", "1..5Gi", "1.Gi", "-1Gi", "10 Gi"] {
            assert_eq!(parse_bytes(bad), None, "{bad}");
        }
    }
}
