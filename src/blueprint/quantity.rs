//! Kubernetes resource quantities (`10Gi`, `500M`, `1.5Ti`) as bytes.

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

#[cfg(test)]
mod tests {
    use super::parse_bytes;

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
