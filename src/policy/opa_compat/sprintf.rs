//! OPA's `sprintf`: Go's `fmt.Sprintf` over the arguments as OPA converts
//! them. A number is an `int64` when it is an integer that fits, a
//! `*big.Int` when it is a larger integer, a `float64` otherwise; a string is
//! a Go string; anything else is the string OPA prints for the value
//! (`["a", 1]`, `{"k": true}`, `set()`). Then Go's rules apply, diagnostics
//! included: `%!d(MISSING)`, `%!d(string=x)`, `%!(EXTRA int64=1)`,
//! `%!(BADINDEX)`, `%!(BADWIDTH)`, `%!(BADPREC)`, `%!(NOVERB)`.
//!
//! OPA decides between integer and float from the number's text, guard from
//! its value: OPA prints a number written with an exponent and no decimal
//! point (`1e3`) as that text, guard by value.

use regorus::Value;
use std::fmt::Write as _;

/// The extension regorus calls: `sprintf(format, args)`. Operands of the
/// wrong type make the call undefined, as a builtin error does in OPA.
pub(super) fn extension(args: Vec<Value>) -> anyhow::Result<Value> {
    let (Some(Value::String(format)), Some(Value::Array(items))) = (args.first(), args.get(1))
    else {
        return Ok(Value::Undefined);
    };
    let args: Vec<Arg> = items.iter().map(Arg::from_value).collect();
    Ok(Value::from(sprintf(format, &args)))
}

/// An argument as Go sees it.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Arg {
    Int(i64),
    /// An integer beyond `int64`: its sign and decimal digits.
    Big {
        negative: bool,
        digits: String,
    },
    Float(f64),
    Str(String),
}

impl Arg {
    pub(super) fn from_value(value: &Value) -> Arg {
        match value {
            Value::Number(n) if n.is_integer() => match n.as_i64() {
                Some(i) => Arg::Int(i),
                None => {
                    let text = n.format_decimal();
                    match text.strip_prefix('-') {
                        Some(digits) => Arg::Big {
                            negative: true,
                            digits: digits.to_string(),
                        },
                        None => Arg::Big {
                            negative: false,
                            digits: text,
                        },
                    }
                }
            },
            Value::Number(n) => Arg::Float(n.as_f64().unwrap_or(f64::NAN)),
            Value::String(s) => Arg::Str(s.to_string()),
            other => Arg::Str(opa_string(other)),
        }
    }

    fn type_name(&self) -> &'static str {
        match self {
            Arg::Int(_) => "int64",
            Arg::Big { .. } => "*big.Int",
            Arg::Float(_) => "float64",
            Arg::Str(_) => "string",
        }
    }
}

/// A value as OPA prints a term: strings quoted the Go way, object keys and
/// set members in order, the empty set as `set()`.
fn opa_string(value: &Value) -> String {
    let mut out = String::new();
    write_term(&mut out, value);
    out
}

fn write_term(out: &mut String, value: &Value) {
    let join = |out: &mut String, items: &mut dyn Iterator<Item = &Value>| {
        for (i, item) in items.enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_term(out, item);
        }
    };
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) if n.is_integer() => out.push_str(&n.format_decimal()),
        Value::Number(n) => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            match serde_json::Number::from_f64(f) {
                Some(json) => out.push_str(&json.to_string()),
                None => out.push_str(&n.format_decimal()),
            }
        }
        Value::String(s) => out.push_str(&quote(s, false)),
        Value::Array(items) => {
            out.push('[');
            join(out, &mut items.iter());
            out.push(']');
        }
        Value::Set(items) if items.is_empty() => out.push_str("set()"),
        Value::Set(items) => {
            out.push('{');
            join(out, &mut items.iter());
            out.push('}');
        }
        Value::Object(fields) => {
            out.push('{');
            for (i, (k, v)) in fields.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_term(out, k);
                out.push_str(": ");
                write_term(out, v);
            }
            out.push('}');
        }
        Value::Undefined => {}
    }
}

/// The flags, width and precision of one verb.
#[derive(Debug, Clone, Copy, Default)]
struct Flags {
    plus: bool,
    minus: bool,
    sharp: bool,
    space: bool,
    zero: bool,
    plus_v: bool,
    sharp_v: bool,
    wid: Option<usize>,
    prec: Option<usize>,
}

/// Go's limit on widths, precisions and argument indexes.
const TOO_LARGE: usize = 1_000_000;

/// Go's `fmt.Sprintf(format, args...)`.
pub(super) fn sprintf(format: &str, args: &[Arg]) -> String {
    let fmt = format.as_bytes();
    let end = fmt.len();
    let mut out = String::new();
    let mut arg_num = 0usize;
    let mut reordered = false;
    let mut i = 0usize;
    'verbs: while i < end {
        let mut good_arg_num = true;
        let literal = i;
        while i < end && fmt[i] != b'%' {
            i += 1;
        }
        out.push_str(&format[literal..i]);
        if i >= end {
            break;
        }
        i += 1;
        let mut f = Flags::default();
        while i < end {
            match fmt[i] {
                b'#' => f.sharp = true,
                b'0' => f.zero = !f.minus,
                b'+' => f.plus = true,
                b'-' => {
                    f.minus = true;
                    f.zero = false;
                }
                b' ' => f.space = true,
                c => {
                    // Go's fast path: a lower-case verb with an argument left.
                    if c.is_ascii_lowercase() && arg_num < args.len() {
                        if c == b'v' || c == b'w' {
                            f.swap_v();
                        }
                        print_arg(&mut out, &args[arg_num], c as char, &f);
                        arg_num += 1;
                        i += 1;
                        continue 'verbs;
                    }
                    break;
                }
            }
            i += 1;
        }
        let (n, next, mut after_index) = arg_number(
            arg_num,
            fmt,
            i,
            args.len(),
            &mut good_arg_num,
            &mut reordered,
        );
        arg_num = n;
        i = next;
        if i < end && fmt[i] == b'*' {
            i += 1;
            let (width, ok, next_arg) = int_from_arg(args, arg_num);
            arg_num = next_arg;
            if !ok {
                out.push_str("%!(BADWIDTH)");
            } else if width < 0 {
                f.wid = Some(width.unsigned_abs() as usize);
                f.minus = true;
                f.zero = false;
            } else {
                f.wid = Some(width as usize);
            }
            after_index = false;
        } else {
            let (width, present, next) = parse_num(fmt, i, end);
            i = next;
            if present {
                f.wid = Some(width);
                if after_index {
                    good_arg_num = false;
                }
            }
        }
        if i < end && fmt[i] == b'.' {
            i += 1;
            if after_index {
                good_arg_num = false;
            }
            let (n, next, found) = arg_number(
                arg_num,
                fmt,
                i,
                args.len(),
                &mut good_arg_num,
                &mut reordered,
            );
            arg_num = n;
            i = next;
            after_index = found;
            if i < end && fmt[i] == b'*' {
                i += 1;
                let (prec, ok, next_arg) = int_from_arg(args, arg_num);
                arg_num = next_arg;
                if ok && prec >= 0 {
                    f.prec = Some(prec as usize);
                } else {
                    out.push_str("%!(BADPREC)");
                }
                after_index = false;
            } else {
                let (prec, present, next) = parse_num(fmt, i, end);
                i = next;
                f.prec = Some(if present { prec } else { 0 });
            }
        }
        if !after_index {
            let (n, next, _) = arg_number(
                arg_num,
                fmt,
                i,
                args.len(),
                &mut good_arg_num,
                &mut reordered,
            );
            arg_num = n;
            i = next;
        }
        let Some(verb) = format.get(i..).and_then(|rest| rest.chars().next()) else {
            out.push_str("%!(NOVERB)");
            break;
        };
        i += verb.len_utf8();
        if verb == '%' {
            out.push('%');
        } else if !good_arg_num {
            let _ = write!(out, "%!{verb}(BADINDEX)");
        } else if arg_num >= args.len() {
            let _ = write!(out, "%!{verb}(MISSING)");
        } else {
            if verb == 'v' || verb == 'w' {
                f.swap_v();
            }
            print_arg(&mut out, &args[arg_num], verb, &f);
            arg_num += 1;
        }
    }
    if !reordered && arg_num < args.len() {
        out.push_str("%!(EXTRA ");
        for (k, arg) in args[arg_num..].iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            out.push_str(arg.type_name());
            out.push('=');
            print_arg(&mut out, arg, 'v', &Flags::default());
        }
        out.push(')');
    }
    out
}

impl Flags {
    /// `%v` moves `#` and `+` to their `%v` meanings, as Go does.
    fn swap_v(&mut self) {
        self.sharp_v = self.sharp;
        self.sharp = false;
        self.plus_v = self.plus;
        self.plus = false;
    }
}

/// An explicit argument index, `[n]`, at `i`: the new argument number, the
/// position after it, and whether there was one.
fn arg_number(
    arg_num: usize,
    fmt: &[u8],
    i: usize,
    num_args: usize,
    good: &mut bool,
    reordered: &mut bool,
) -> (usize, usize, bool) {
    if fmt.get(i) != Some(&b'[') {
        return (arg_num, i, false);
    }
    *reordered = true;
    let rest = &fmt[i..];
    let (index, width, ok) = parse_arg_number(rest);
    match index {
        Some(index) if ok && index < num_args => (index, i + width, true),
        _ => {
            *good = false;
            (arg_num, i + width, ok)
        }
    }
}

/// `[n]` at the start of `f`: the zero-based index (`None` for `[0]`), the
/// bytes it takes, and whether it is well formed.
fn parse_arg_number(f: &[u8]) -> (Option<usize>, usize, bool) {
    if f.len() < 3 {
        return (None, 1, false);
    }
    for i in 1..f.len() {
        if f[i] == b']' {
            let (n, ok, next) = parse_num(f, 1, i);
            if !ok || next != i {
                return (None, i + 1, false);
            }
            return (n.checked_sub(1), i + 1, true);
        }
    }
    (None, 1, false)
}

/// A decimal number at `start`: its value, whether there was one, and the
/// position after it (`end` when it is too large).
fn parse_num(s: &[u8], start: usize, end: usize) -> (usize, bool, usize) {
    if start >= end {
        return (0, false, end);
    }
    let mut num = 0usize;
    let mut is_num = false;
    let mut i = start;
    while i < end && s[i].is_ascii_digit() {
        if num > TOO_LARGE {
            return (0, false, end);
        }
        num = num * 10 + usize::from(s[i] - b'0');
        is_num = true;
        i += 1;
    }
    (num, is_num, i)
}

/// A `*` width or precision: the argument's value if it is a small integer.
fn int_from_arg(args: &[Arg], arg_num: usize) -> (i64, bool, usize) {
    match args.get(arg_num) {
        None => (0, false, arg_num),
        Some(Arg::Int(n)) if n.unsigned_abs() <= TOO_LARGE as u64 => (*n, true, arg_num + 1),
        Some(_) => (0, false, arg_num + 1),
    }
}

fn print_arg(out: &mut String, arg: &Arg, verb: char, f: &Flags) {
    if verb == 'T' {
        fmt_s(out, arg.type_name(), f);
        return;
    }
    match arg {
        Arg::Int(n) => fmt_int(out, arg, *n, verb, f),
        Arg::Big { negative, digits } => fmt_big(out, *negative, digits, verb, f),
        Arg::Float(x) => fmt_float_verb(out, arg, *x, verb, f),
        Arg::Str(s) => match verb {
            'v' if f.sharp_v => fmt_q(out, s, f),
            'v' | 's' => fmt_s(out, s, f),
            'x' => fmt_sx(out, s, false, f),
            'X' => fmt_sx(out, s, true, f),
            'q' => fmt_q(out, s, f),
            _ => bad_verb(out, arg, verb, f),
        },
    }
}

/// `%!verb(type=value)`, the value printed with `%v` and the same flags.
fn bad_verb(out: &mut String, arg: &Arg, verb: char, f: &Flags) {
    let _ = write!(out, "%!{verb}({}=", arg.type_name());
    print_arg(out, arg, 'v', f);
    out.push(')');
}

/// `s` padded to the width with spaces (zeros with the `0` flag), on the
/// left unless `-`. Widths count characters.
fn pad(out: &mut String, s: &str, f: &Flags) {
    let n = s.chars().count();
    match f.wid {
        Some(w) if w > n => {
            if f.minus {
                out.push_str(s);
                padding(out, w - n, f);
            } else {
                padding(out, w - n, f);
                out.push_str(s);
            }
        }
        _ => out.push_str(s),
    }
}

fn padding(out: &mut String, n: usize, f: &Flags) {
    let c = if f.zero && !f.minus { '0' } else { ' ' };
    out.extend(std::iter::repeat_n(c, n));
}

fn no_zero(f: &Flags) -> Flags {
    Flags { zero: false, ..*f }
}

fn truncate(s: &str, f: &Flags) -> String {
    match f.prec {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    }
}

fn fmt_s(out: &mut String, s: &str, f: &Flags) {
    pad(out, &truncate(s, f), f);
}

fn fmt_q(out: &mut String, s: &str, f: &Flags) {
    let s = truncate(s, f);
    let backquote = f.sharp
        && !s
            .chars()
            .any(|c| matches!(c, '\0'..='\x08' | '\n'..='\x1f' | '`' | '\x7f' | '\u{FEFF}'));
    if backquote {
        pad(out, &format!("`{s}`"), f);
    } else {
        pad(out, &quote(&s, f.plus), f);
    }
}

/// Hexadecimal bytes of `s`: `% x` separates them, `#` adds `0x`.
fn fmt_sx(out: &mut String, s: &str, upper: bool, f: &Flags) {
    let bytes = s.as_bytes();
    let length = f.prec.map_or(bytes.len(), |p| p.min(bytes.len()));
    let mut width = 2 * length;
    if width == 0 {
        if let Some(w) = f.wid {
            padding(out, w, f);
        }
        return;
    }
    if f.space {
        if f.sharp {
            width *= 2;
        }
        width += length - 1;
    } else if f.sharp {
        width += 2;
    }
    let extra = f.wid.filter(|w| *w > width).map(|w| w - width);
    if let (Some(n), false) = (extra, f.minus) {
        padding(out, n, f);
    }
    let prefix = if upper { "0X" } else { "0x" };
    if f.sharp {
        out.push_str(prefix);
    }
    for (i, b) in bytes[..length].iter().enumerate() {
        if f.space && i > 0 {
            out.push(' ');
            if f.sharp {
                out.push_str(prefix);
            }
        }
        if upper {
            let _ = write!(out, "{b:02X}");
        } else {
            let _ = write!(out, "{b:02x}");
        }
    }
    if let (Some(n), true) = (extra, f.minus) {
        padding(out, n, f);
    }
}

fn fmt_int(out: &mut String, arg: &Arg, n: i64, verb: char, f: &Flags) {
    let negative = n < 0;
    let u = n.unsigned_abs();
    let (base, upper) = match verb {
        'v' | 'd' => (10, false),
        'b' => (2, false),
        'o' | 'O' => (8, false),
        'x' => (16, false),
        'X' => (16, true),
        'c' => {
            let c = if negative {
                None
            } else {
                char::from_u32(u as u32)
            }
            .filter(|_| u <= 0x10FFFF)
            .unwrap_or('\u{FFFD}');
            pad(out, &c.to_string(), f);
            return;
        }
        'q' => {
            let c = if negative {
                None
            } else {
                char::from_u32(u as u32)
            }
            .filter(|_| u <= 0x10FFFF)
            .unwrap_or('\u{FFFD}');
            pad(out, &quote_rune(c, f.plus), f);
            return;
        }
        'U' => {
            fmt_unicode(out, if negative { n as u64 } else { u }, f);
            return;
        }
        _ => {
            bad_verb(out, arg, verb, f);
            return;
        }
    };
    let digits = match base {
        2 => format!("{u:b}"),
        8 => format!("{u:o}"),
        16 if upper => format!("{u:X}"),
        16 => format!("{u:x}"),
        _ => u.to_string(),
    };
    fmt_integer(out, negative, &digits, base, verb, f);
}

/// Go's integer layout: precision as minimum digits (`%03d` too), `#` and
/// `%O` prefixes, the sign, then padding.
fn fmt_integer(out: &mut String, negative: bool, digits: &str, base: u32, verb: char, f: &Flags) {
    let mut prec = 0;
    if let Some(p) = f.prec {
        prec = p;
        if p == 0 && digits == "0" {
            if let Some(w) = f.wid {
                padding(out, w, &no_zero(f));
            }
            return;
        }
    } else if let (true, false, Some(w)) = (f.zero, f.minus, f.wid) {
        prec = w;
        if negative || f.plus || f.space {
            prec = prec.saturating_sub(1);
        }
    }
    let mut s = String::new();
    if negative {
        s.push('-');
    } else if f.plus {
        s.push('+');
    } else if f.space {
        s.push(' ');
    }
    if verb == 'O' {
        s.push_str("0o");
    }
    let zeros = prec.saturating_sub(digits.len());
    if f.sharp {
        match base {
            2 => s.push_str("0b"),
            8 if zeros == 0 && !digits.starts_with('0') => s.push('0'),
            16 if verb == 'X' => s.push_str("0X"),
            16 => s.push_str("0x"),
            _ => {}
        }
    }
    s.extend(std::iter::repeat_n('0', zeros));
    s.push_str(digits);
    pad(out, &s, &no_zero(f));
}

fn fmt_unicode(out: &mut String, u: u64, f: &Flags) {
    let prec = f.prec.filter(|p| *p > 4).unwrap_or(4);
    let hex = format!("{u:X}");
    let mut s = String::from("U+");
    s.extend(std::iter::repeat_n('0', prec.saturating_sub(hex.len())));
    s.push_str(&hex);
    if f.sharp {
        if let Some(c) = u32::try_from(u).ok().and_then(char::from_u32) {
            if printable(c) {
                s.push_str(" '");
                s.push(c);
                s.push('\'');
            }
        }
    }
    pad(out, &s, &no_zero(f));
}

/// `*big.Int`'s own `Format`: `b o O d s v x X`, anything else is
/// `%!c(big.Int=…)`.
fn fmt_big(out: &mut String, negative: bool, digits: &str, verb: char, f: &Flags) {
    let base = match verb {
        'b' => 2,
        'o' | 'O' => 8,
        'd' | 's' | 'v' => 10,
        'x' | 'X' => 16,
        _ => {
            let sign = if negative { "-" } else { "" };
            let _ = write!(out, "%!{verb}(big.Int={sign}{digits})");
            return;
        }
    };
    let mut digits = to_base(digits, base);
    if verb == 'X' {
        digits.make_ascii_uppercase();
    }
    let plus = f.plus || f.plus_v;
    let sign = if negative {
        "-"
    } else if plus {
        "+"
    } else if f.space {
        " "
    } else {
        ""
    };
    let prefix = match verb {
        'O' => "0o",
        'b' if f.sharp || f.sharp_v => "0b",
        'o' if f.sharp || f.sharp_v => "0",
        'x' if f.sharp || f.sharp_v => "0x",
        'X' if f.sharp || f.sharp_v => "0X",
        _ => "",
    };
    let mut zeros = 0;
    if let Some(p) = f.prec {
        if digits.len() < p {
            zeros = p - digits.len();
        } else if digits == "0" && p == 0 {
            return;
        }
    }
    let length = sign.len() + prefix.len() + zeros + digits.len();
    let (mut left, mut right) = (0, 0);
    if let Some(w) = f.wid.filter(|w| *w > length) {
        let d = w - length;
        if f.minus {
            right = d;
        } else if f.zero && f.prec.is_none() {
            zeros = d;
        } else {
            left = d;
        }
    }
    out.extend(std::iter::repeat_n(' ', left));
    out.push_str(sign);
    out.push_str(prefix);
    out.extend(std::iter::repeat_n('0', zeros));
    out.push_str(&digits);
    out.extend(std::iter::repeat_n(' ', right));
}

/// Decimal digits in another base (2, 8, 10 or 16), lower case.
fn to_base(decimal: &str, base: u32) -> String {
    let mut number: Vec<u32> = decimal.bytes().map(|b| u32::from(b - b'0')).collect();
    if base == 10 {
        return decimal.to_string();
    }
    let mut out = Vec::new();
    while number.iter().any(|d| *d != 0) {
        let mut rest = 0;
        let mut quotient = Vec::with_capacity(number.len());
        for d in &number {
            let cur = rest * 10 + d;
            quotient.push(cur / base);
            rest = cur % base;
        }
        out.push(char::from_digit(rest, base).unwrap_or('0'));
        let first = quotient
            .iter()
            .position(|d| *d != 0)
            .unwrap_or(quotient.len());
        number = quotient.split_off(first);
    }
    if out.is_empty() {
        out.push('0');
    }
    out.iter().rev().collect()
}

fn fmt_float_verb(out: &mut String, arg: &Arg, x: f64, verb: char, f: &Flags) {
    let (verb, prec) = match verb {
        'v' => ('g', None),
        'b' | 'g' | 'G' | 'x' | 'X' => (verb, None),
        'f' | 'F' => ('f', Some(6)),
        'e' | 'E' => (verb, Some(6)),
        _ => {
            bad_verb(out, arg, verb, f);
            return;
        }
    };
    fmt_float(out, x, verb, f.prec.or(prec), f);
}

/// Go's `fmt.fmtFloat`: strconv's text, then sign, `#` and padding rules.
fn fmt_float(out: &mut String, x: f64, verb: char, prec: Option<usize>, f: &Flags) {
    let text = format_float(x.abs(), verb, prec);
    let sign = if x.is_sign_negative() && !x.is_nan() {
        '-'
    } else if f.plus {
        '+'
    } else if f.space {
        ' '
    } else {
        '+'
    };
    if x.is_infinite() || x.is_nan() {
        let mut num = String::new();
        if !(x.is_nan() && !f.space && !f.plus) {
            num.push(sign);
        }
        num.push_str(&text);
        pad(out, &num, &no_zero(f));
        return;
    }
    let mut num = text;
    if f.sharp && verb != 'b' {
        num = sharp_float(&num, verb, prec);
    }
    if f.plus || sign != '+' {
        let width = num.len() + 1;
        if let (true, false, Some(w)) = (f.zero, f.minus, f.wid) {
            if w > width {
                out.push(sign);
                padding(out, w - width, f);
                out.push_str(&num);
                return;
            }
        }
        pad(out, &format!("{sign}{num}"), f);
        return;
    }
    pad(out, &num, f);
}

/// `#` on a float: always a decimal point; `%g` keeps its trailing zeros.
fn sharp_float(num: &str, verb: char, prec: Option<usize>) -> String {
    let mut digits: i64 = match verb {
        'g' | 'G' | 'x' => prec.map_or(6, |p| p as i64),
        _ => 0,
    };
    let mut body = num.to_string();
    let mut tail = String::new();
    let cut = body.find(|c: char| {
        c == 'p' || c == 'P' || ((c == 'e' || c == 'E') && verb != 'x' && verb != 'X')
    });
    if let Some(at) = cut {
        tail = body.split_off(at);
    }
    let mut has_point = false;
    let mut seen_nonzero = false;
    for c in body.chars() {
        if c == '.' {
            has_point = true;
            continue;
        }
        if c != '0' {
            seen_nonzero = true;
        }
        if seen_nonzero {
            digits -= 1;
        }
    }
    if !has_point {
        if body == "0" {
            digits -= 1;
        }
        body.push('.');
    }
    while digits > 0 {
        body.push('0');
        digits -= 1;
    }
    body.push_str(&tail);
    body
}

/// strconv.FormatFloat for a non-negative `x`: `None` precision is the
/// shortest text that reads back as `x`.
fn format_float(x: f64, verb: char, prec: Option<usize>) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return "Inf".into();
    }
    match verb {
        'e' | 'E' => {
            let (digits, exp) = match prec {
                Some(p) => decimal(&scientific(x, p)),
                None => decimal(&format!("{x:e}")),
            };
            let decimals = prec.unwrap_or(digits.len().saturating_sub(1));
            fmt_e(&digits, exp, decimals, verb)
        }
        'f' | 'F' => match prec {
            Some(p) => fixed(x, p),
            None => format!("{x}"),
        },
        'g' | 'G' => {
            let e = if verb == 'G' { 'E' } else { 'e' };
            let (digits, exp, eprec) = match prec {
                None => {
                    let (digits, exp) = decimal(&format!("{x:e}"));
                    (digits, exp, 6)
                }
                Some(p) => {
                    let p = p.max(1);
                    let (mut digits, exp) = decimal(&scientific(x, p - 1));
                    while digits.len() > 1 && digits.ends_with('0') {
                        digits.pop();
                    }
                    let dp = exp + 1;
                    let nd = digits.len() as i64;
                    let eprec = if p as i64 > nd && nd >= dp {
                        nd
                    } else {
                        p as i64
                    };
                    (digits, exp, eprec)
                }
            };
            let nd = digits.len();
            if exp < -4 || exp >= eprec {
                let keep = prec.map_or(nd, |p| p.max(1).min(nd));
                fmt_e(&digits, exp, keep - 1, e)
            } else {
                let dp = exp + 1;
                let decimals = match prec {
                    Some(p) if (p.max(1) as i64) > dp => (nd as i64 - dp).max(0),
                    Some(p) => (p.max(1) as i64 - dp).max(0),
                    None => (nd as i64 - dp).max(0),
                };
                fmt_f(&digits, dp, decimals as usize)
            }
        }
        'b' => {
            let bits = x.to_bits();
            let exp = ((bits >> 52) & 0x7FF) as i64;
            let mut mant = bits & ((1 << 52) - 1);
            let e = if exp == 0 {
                -1074
            } else {
                mant |= 1 << 52;
                exp - 1075
            };
            format!("{mant}p{}{}", if e >= 0 { "+" } else { "-" }, e.abs())
        }
        _ => hex_float(x, verb == 'X', prec),
    }
}

/// Beyond this many digits an `f64`'s exact decimal expansion (at most 767
/// significant and 1074 fractional digits) only has zeros, and Rust's
/// formatter takes no larger precision.
const EXACT_DIGITS: usize = 1100;

/// `x` with `p` digits after the point, correctly rounded.
fn fixed(x: f64, p: usize) -> String {
    let mut s = format!("{x:.*}", p.min(EXACT_DIGITS));
    s.extend(std::iter::repeat_n('0', p.saturating_sub(EXACT_DIGITS)));
    s
}

/// `x` as `d.ddd…e±x` with `p` digits after the point, correctly rounded.
fn scientific(x: f64, p: usize) -> String {
    let s = format!("{x:.*e}", p.min(EXACT_DIGITS));
    let zeros = p.saturating_sub(EXACT_DIGITS);
    if zeros == 0 {
        return s;
    }
    let (mantissa, exp) = s.split_once('e').unwrap_or((&s, "0"));
    format!("{mantissa}{}e{exp}", "0".repeat(zeros))
}

/// Digits and exponent from Rust's `{:e}` text (`1.25e-3` → `125`, -3).
fn decimal(sci: &str) -> (String, i64) {
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    (digits, exp.parse().unwrap_or(0))
}

/// `d.ddde±XX` with `decimals` digits after the point.
fn fmt_e(digits: &str, exp: i64, decimals: usize, e: char) -> String {
    let mut chars = digits.chars();
    let mut s = String::new();
    s.push(chars.next().unwrap_or('0'));
    if decimals > 0 {
        s.push('.');
        for _ in 0..decimals {
            s.push(chars.next().unwrap_or('0'));
        }
    }
    let exp = if digits.chars().all(|c| c == '0') {
        0
    } else {
        exp
    };
    let _ = write!(s, "{e}{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    s
}

/// Digits with the point after `dp` of them, and `decimals` after it.
fn fmt_f(digits: &str, dp: i64, decimals: usize) -> String {
    let digit = |i: i64| {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.as_bytes().get(i))
            .map_or('0', |b| *b as char)
    };
    let mut s = String::new();
    if dp > 0 {
        for i in 0..dp {
            s.push(digit(i));
        }
    } else {
        s.push('0');
    }
    if decimals > 0 {
        s.push('.');
        for i in 0..decimals as i64 {
            s.push(digit(dp + i));
        }
    }
    s
}

/// `%x` on a float: `0x1.8p+00`, the mantissa rounded to `prec` hex digits
/// (ties to even) when given, else as few as needed.
fn hex_float(x: f64, upper: bool, prec: Option<usize>) -> String {
    let bits = x.to_bits();
    let raw_exp = ((bits >> 52) & 0x7FF) as i64;
    let mut mant = bits & ((1 << 52) - 1);
    let mut exp = if raw_exp == 0 { -1022 } else { raw_exp - 1023 };
    if raw_exp != 0 {
        mant |= 1 << 52;
    } else if mant != 0 {
        // Normalise a subnormal so the leading digit is 1.
        while mant & (1 << 52) == 0 {
            mant <<= 1;
            exp -= 1;
        }
    } else {
        exp = 0;
    }
    // 1 integer bit and 52 fraction bits: 13 hex digits of fraction.
    let mut frac_digits = 13usize;
    if let Some(p) = prec.filter(|p| *p < 13) {
        let shift = 4 * (13 - p) as u32;
        let rest = mant & ((1u64 << shift) - 1);
        let half = 1u64 << (shift - 1);
        mant >>= shift;
        if rest > half || (rest == half && mant & 1 == 1) {
            mant += 1;
        }
        if mant >> (4 * p as u32) >= 2 {
            mant >>= 1;
            exp += 1;
        }
        frac_digits = p;
    }
    let int_digit = mant >> (4 * frac_digits as u32);
    let frac = mant & ((1u64 << (4 * frac_digits as u32)) - 1);
    let mut frac_text = if frac_digits > 0 {
        format!("{frac:0frac_digits$x}")
    } else {
        String::new()
    };
    if prec.is_none() {
        while frac_text.ends_with('0') {
            frac_text.pop();
        }
    } else if let Some(p) = prec.filter(|p| *p > 13) {
        frac_text.extend(std::iter::repeat_n('0', p - 13));
    }
    let mut s = format!("0x{int_digit}");
    if !frac_text.is_empty() {
        s.push('.');
        s.push_str(&frac_text);
    }
    let _ = write!(s, "p{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs());
    if upper {
        s.make_ascii_uppercase();
    }
    s
}

/// Go's `strconv.Quote` (`QuoteToASCII` with `ascii`).
pub(super) fn quote(s: &str, ascii: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        escape(&mut out, c, '"', ascii);
    }
    out.push('"');
    out
}

fn quote_rune(c: char, ascii: bool) -> String {
    let mut out = String::from('\'');
    escape(&mut out, c, '\'', ascii);
    out.push('\'');
    out
}

fn escape(out: &mut String, c: char, quote: char, ascii: bool) {
    if c == quote || c == '\\' {
        out.push('\\');
        out.push(c);
        return;
    }
    if (!ascii || c.is_ascii()) && printable(c) {
        out.push(c);
        return;
    }
    let _ = match c {
        '\x07' => write!(out, "\\a"),
        '\x08' => write!(out, "\\b"),
        '\x0c' => write!(out, "\\f"),
        '\n' => write!(out, "\\n"),
        '\r' => write!(out, "\\r"),
        '\t' => write!(out, "\\t"),
        '\x0b' => write!(out, "\\v"),
        c if (c as u32) < 0x20 || c == '\x7f' => write!(out, "\\x{:02x}", c as u32),
        c if (c as u32) < 0x10000 => write!(out, "\\u{:04x}", c as u32),
        c => write!(out, "\\U{:08x}", c as u32),
    };
}

/// Go's `unicode.IsPrint`, close enough: graphic characters and the ASCII
/// space; not controls, other spaces, or the invisible format characters.
fn printable(c: char) -> bool {
    if c.is_ascii() {
        return (' '..='~').contains(&c);
    }
    !c.is_control()
        && !c.is_whitespace()
        && !matches!(c,
            '\u{AD}' | '\u{61C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}'
            | '\u{E000}'..='\u{F8FF}' | '\u{F0000}'..='\u{10FFFF}')
}
