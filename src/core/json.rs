//! A small JSON reader and writer (RFC 8259) for the core.
//!
//! The core parses token responses, device responses, JWT claims and its own
//! storage records without serde: serde's deserializer and `core::fmt`'s float
//! parsing cost more than this whole module in the `.wasm`. Numbers are read
//! without the float parser; the SDK only ever needs integers (seconds,
//! milliseconds) from them, and fractions are kept approximately.

/// A parsed JSON value.
#[derive(Clone, PartialEq, Debug)]
pub enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    /// Members in document order; a repeated key is refused while parsing.
    Obj(Vec<(String, Json)>),
}

/// Deepest nesting accepted: claims and token responses are shallow, and a
/// bound keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 32;
/// Largest document accepted (256 KiB).
pub const MAX_LEN: usize = 256 * 1024;

impl Json {
    /// Parses a complete JSON document. `None` for anything that is not JSON.
    pub fn parse(text: &str) -> Option<Json> {
        if text.len() > MAX_LEN {
            return None;
        }
        let mut p = Parser {
            text,
            s: text.as_bytes(),
            i: 0,
        };
        let v = p.value(0)?;
        p.ws();
        (p.i == p.s.len()).then_some(v)
    }

    /// The member `key` of an object.
    pub fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string member `key`.
    pub fn str(&self, key: &str) -> Option<&str> {
        match self.get(key) {
            Some(Json::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// The numeric member `key`.
    pub fn num(&self, key: &str) -> Option<f64> {
        match self.get(key) {
            Some(Json::Num(n)) => Some(*n),
            _ => None,
        }
    }

    /// True for an object.
    pub fn is_object(&self) -> bool {
        matches!(self, Json::Obj(_))
    }

    /// Writes the value as compact JSON. Numbers are written as integers
    /// (the SDK stores only whole seconds and milliseconds).
    pub fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => write_int(*n as i64, out),
            Json::Str(s) => write_str(s, out),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Obj(members) => {
                out.push('{');
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    write_str(k, out);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }

    /// The value as a compact JSON string.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }
}

/// An integer as decimal text, without `core::fmt`.
pub fn int_text(n: i64) -> String {
    let mut out = String::new();
    write_int(n, &mut out);
    out
}

fn write_int(n: i64, out: &mut String) {
    if n < 0 {
        out.push('-');
    }
    let mut digits = [0u8; 20];
    let mut len = 0;
    let mut m = n.unsigned_abs();
    loop {
        digits[len] = b'0' + (m % 10) as u8;
        len += 1;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    for &d in digits[..len].iter().rev() {
        out.push(char::from(d));
    }
}

fn write_str(s: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => {
                out.push_str("\\u00");
                out.push(char::from(HEX[(c as usize) >> 4]));
                out.push(char::from(HEX[(c as usize) & 15]));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

struct Parser<'a> {
    text: &'a str,
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.i += 1;
        }
    }

    fn eat(&mut self, b: u8) -> Option<()> {
        (self.peek()? == b).then(|| self.i += 1)
    }

    fn literal(&mut self, word: &[u8], v: Json) -> Option<Json> {
        let end = self.i.checked_add(word.len())?;
        (self.s.get(self.i..end)? == word).then(|| {
            self.i = end;
            v
        })
    }

    fn value(&mut self, depth: usize) -> Option<Json> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.ws();
        match self.peek()? {
            b'{' => self.object(depth),
            b'[' => self.array(depth),
            b'"' => self.string().map(Json::Str),
            b't' => self.literal(b"true", Json::Bool(true)),
            b'f' => self.literal(b"false", Json::Bool(false)),
            b'n' => self.literal(b"null", Json::Null),
            _ => self.number().map(Json::Num),
        }
    }

    fn object(&mut self, depth: usize) -> Option<Json> {
        self.eat(b'{')?;
        let mut members: Vec<(String, Json)> = Vec::new();
        self.ws();
        if self.eat(b'}').is_some() {
            return Some(Json::Obj(members));
        }
        loop {
            self.ws();
            let key = self.string()?;
            self.ws();
            self.eat(b':')?;
            let value = self.value(depth + 1)?;
            // A repeated member is ambiguous (RFC 8259 §4); an attacker could
            // hope two parsers pick different ones. Refuse it.
            if members.iter().any(|(k, _)| *k == key) {
                return None;
            }
            members.push((key, value));
            self.ws();
            if self.eat(b',').is_none() {
                self.eat(b'}')?;
                return Some(Json::Obj(members));
            }
        }
    }

    fn array(&mut self, depth: usize) -> Option<Json> {
        self.eat(b'[')?;
        let mut items = Vec::new();
        self.ws();
        if self.eat(b']').is_some() {
            return Some(Json::Arr(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.ws();
            if self.eat(b',').is_none() {
                self.eat(b']')?;
                return Some(Json::Arr(items));
            }
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let mut n = 0u32;
        for _ in 0..4 {
            let d = char::from(self.peek()?).to_digit(16)?;
            n = n * 16 + d;
            self.i += 1;
        }
        Some(n)
    }

    fn string(&mut self) -> Option<String> {
        self.eat(b'"')?;
        let mut out = String::new();
        loop {
            let start = self.i;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.i += 1;
            }
            // The input is a &str, and we stopped on an ASCII byte: a char boundary.
            out.push_str(self.text.get(start..self.i)?);
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(out);
                }
                b'\\' => {
                    self.i += 1;
                    let esc = self.peek()?;
                    self.i += 1;
                    let c = match esc {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        b'u' => {
                            let hi = self.hex4()?;
                            let code = if (0xD800..0xDC00).contains(&hi) {
                                self.eat(b'\\')?;
                                self.eat(b'u')?;
                                let lo = self.hex4()?;
                                if !(0xDC00..0xE000).contains(&lo) {
                                    return None;
                                }
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            char::from_u32(code)?
                        }
                        _ => return None,
                    };
                    out.push(c);
                }
                _ => return None, // raw control character
            }
        }
    }

    fn digits(&mut self) -> Option<(f64, i32)> {
        let mut v = 0f64;
        let mut count = 0i32;
        while let Some(b @ b'0'..=b'9') = self.peek() {
            v = v * 10.0 + f64::from(b - b'0');
            count += 1;
            self.i += 1;
        }
        (count > 0).then_some((v, count))
    }

    fn number(&mut self) -> Option<f64> {
        let negative = self.eat(b'-').is_some();
        if self.peek() == Some(b'0') && matches!(self.s.get(self.i + 1), Some(b'0'..=b'9')) {
            return None; // leading zero
        }
        let (mut v, _) = self.digits()?;
        if self.eat(b'.').is_some() {
            let (frac, count) = self.digits()?;
            // Past 308 digits both overflow to infinity and the quotient is NaN:
            // drop such a fraction (fractions are approximate here anyway).
            let scale = pow10(count);
            if scale.is_finite() {
                v += frac / scale;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.i += 1;
            let neg_exp = match self.peek() {
                Some(b'-') => {
                    self.i += 1;
                    true
                }
                Some(b'+') => {
                    self.i += 1;
                    false
                }
                _ => false,
            };
            let (exp, _) = self.digits()?;
            let scale = pow10(exp.min(400.0) as i32);
            // `0e400` is 0, not 0 × ∞ = NaN.
            if v != 0.0 {
                v = if neg_exp { v / scale } else { v * scale };
            }
        }
        // JSON has no NaN; the one shape still giving ∞ / ∞ (over 308 integer
        // digits and an exponent under -308) is refused rather than guessed.
        if v.is_nan() {
            return None;
        }
        Some(if negative { -v } else { v })
    }
}

fn pow10(n: i32) -> f64 {
    let mut v = 1f64;
    for _ in 0..n.clamp(0, 400) {
        v *= 10.0;
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_token_response() {
        let v = Json::parse(
            r#" {"access_token":"a\u00e9\n","expires_in":3600,"scope":"openid","ok":true,"n":null,"arr":[1,-2.5e1,{}]} "#,
        )
        .unwrap();
        assert_eq!(v.str("access_token"), Some("aé\n"));
        assert_eq!(v.num("expires_in"), Some(3600.0));
        assert_eq!(v.get("ok"), Some(&Json::Bool(true)));
        assert_eq!(
            v.get("arr"),
            Some(&Json::Arr(vec![
                Json::Num(1.0),
                Json::Num(-25.0),
                Json::Obj(vec![])
            ]))
        );
    }

    #[test]
    fn parses_surrogate_pairs() {
        assert_eq!(
            Json::parse(r#""\ud83d\ude00""#),
            Some(Json::Str("\u{1F600}".into()))
        );
        assert_eq!(Json::parse(r#""\ud83d""#), None);
    }

    #[test]
    fn refuses_what_is_not_json() {
        for bad in [
            "",
            "{",
            "{\"a\":}",
            "[1,]",
            "01",
            "{\"a\":1}x",
            "'a'",
            "\"\u{1}\"",
            "{\"a\":1,\"a\":2}",
            "<html>",
            "tru",
            "1e",
            "-",
        ] {
            assert_eq!(Json::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn numbers_are_never_nan() {
        // Found by fuzz/json: `0e855` was read as 0 × ∞ = NaN.
        for zero in ["0e855", "0E400", "-0e999", "0.0e+400", "0e-400"] {
            assert_eq!(Json::parse(zero), Some(Json::Num(0.0)), "{zero}");
        }
        let long_fraction = format!("1.{}", "9".repeat(400));
        assert_eq!(Json::parse(&long_fraction), Some(Json::Num(1.0)));
        let huge_over_huge = format!("1{}e-400", "0".repeat(400));
        assert_eq!(Json::parse(&huge_over_huge), None);
        assert_eq!(Json::parse("1e400"), Some(Json::Num(f64::INFINITY)));
        assert_eq!(Json::parse("2.5e1"), Some(Json::Num(25.0)));
    }

    #[test]
    fn refuses_deep_nesting() {
        let deep = "[".repeat(100) + &"]".repeat(100);
        assert_eq!(Json::parse(&deep), None);
        let ok = "[".repeat(10) + &"]".repeat(10);
        assert!(Json::parse(&ok).is_some());
    }

    #[test]
    fn writes_and_reads_back() {
        let v = Json::Obj(vec![
            ("s".into(), Json::Str("q\"\\\u{1}é".into())),
            ("n".into(), Json::Num(-1700000000123.0)),
            ("b".into(), Json::Bool(false)),
            ("z".into(), Json::Null),
        ]);
        let text = v.to_text();
        assert_eq!(
            text,
            r#"{"s":"q\"\\\u0001é","n":-1700000000123,"b":false,"z":null}"#
        );
        assert_eq!(Json::parse(&text), Some(v));
    }
}
