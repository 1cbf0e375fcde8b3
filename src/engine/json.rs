//! A small JSON reader for the text the page sends the finder (a search, a council's policy
//! pack), so that serde's derived readers for them stay out of the finder's wasm (18.9 KB raw,
//! 5.4 KB brotli; serde_json's own parser stays while the dataset's header is JSON).
//! [`parse`] reads the text into a [`Json`] tree: numbers exactly as serde_json reads them (the
//! same `f64` for the same text), at most 128 levels deep, syntax errors with serde_json's
//! message, line and column. The readers below take values out of it with serde's own messages
//! (`unknown field`, `missing field`, `invalid type`, `unknown variant`, `invalid length`),
//! checked against serde on hundreds of variants by `policy::tests::the_reader_says_what_serde_says`
//! and `finder::tests::the_query_reader_says_what_serde_says`. Two differences: a field's
//! message has no line and column, and text that is not JSON is reported as such even when
//! serde would first have stopped at a bad field before the broken part.

use crate::engine::json_out;
use std::fmt::Write as _;

/// A parsed JSON value. Integers as serde_json keeps them: `U64` for a non-negative integer,
/// `I64` for a negative one, `F64` for anything with a fraction or an exponent, or too large.
#[derive(Clone, Debug, PartialEq)]
pub enum Json {
    Null,
    Bool(bool),
    U64(u64),
    I64(i64),
    F64(f64),
    Str(String),
    Array(Vec<Json>),
    /// Members in the order written (a repeated key is kept twice).
    Object(Vec<(String, Json)>),
}

/// A reader's result: the message as serde would write it.
pub type Read<T> = std::result::Result<T, String>;

const MAX_DEPTH: usize = 128;

/// Reads JSON text: one value, with only whitespace around it.
pub fn parse(text: &str) -> Read<Json> {
    let mut p = Parser { bytes: text.as_bytes(), pos: 0, depth: 0 };
    let value = p.value()?;
    p.whitespace();
    if p.pos < p.bytes.len() {
        return Err(p.error("trailing characters"));
    }
    Ok(value)
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    #[inline(never)]
    fn error(&self, what: &str) -> String {
        let done = &self.bytes[..self.pos.min(self.bytes.len())];
        let line = 1 + done.iter().filter(|b| **b == b'\n').count();
        let column = done.iter().rev().take_while(|b| **b != b'\n').count();
        format!("{what} at line {line} column {column}")
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn whitespace(&mut self) {
        while let Some(b' ' | b'\n' | b'\t' | b'\r') = self.peek() {
            self.pos += 1;
        }
    }

    #[inline(never)]
    fn value(&mut self) -> Read<Json> {
        self.whitespace();
        let Some(b) = self.peek() else { return Err(self.error("EOF while parsing a value")) };
        match b {
            b'n' => self.word("null", Json::Null),
            b't' => self.word("true", Json::Bool(true)),
            b'f' => self.word("false", Json::Bool(false)),
            b'"' => Ok(Json::Str(self.string()?)),
            b'-' | b'0'..=b'9' => self.number(),
            b'[' | b'{' => {
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.error("recursion limit exceeded"));
                }
                self.pos += 1;
                let value = if b == b'[' { self.array()? } else { self.object()? };
                self.depth -= 1;
                Ok(value)
            }
            _ => {
                self.pos += 1;
                Err(self.error("expected value"))
            }
        }
    }

    fn word(&mut self, word: &str, value: Json) -> Read<Json> {
        for expected in word.bytes() {
            match self.peek() {
                None => return Err(self.error("EOF while parsing a value")),
                Some(b) => {
                    self.pos += 1;
                    if b != expected {
                        return Err(self.error("expected ident"));
                    }
                }
            }
        }
        Ok(value)
    }

    fn array(&mut self) -> Read<Json> {
        let mut items = Vec::new();
        self.whitespace();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Json::Array(items));
        }
        loop {
            self.whitespace();
            if self.peek().is_none() {
                return Err(self.error("EOF while parsing a list"));
            }
            items.push(self.value()?);
            self.whitespace();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.whitespace();
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        return Err(self.error("trailing comma"));
                    }
                }
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Json::Array(items));
                }
                Some(_) => {
                    self.pos += 1;
                    return Err(self.error("expected `,` or `]`"));
                }
                None => return Err(self.error("EOF while parsing a list")),
            }
        }
    }

    fn object(&mut self) -> Read<Json> {
        let mut members = Vec::new();
        self.whitespace();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Json::Object(members));
        }
        loop {
            self.whitespace();
            match self.peek() {
                Some(b'"') => {}
                Some(_) => {
                    self.pos += 1;
                    return Err(self.error("key must be a string"));
                }
                None => return Err(self.error("EOF while parsing an object")),
            }
            let key = self.string()?;
            self.whitespace();
            match self.peek() {
                Some(b':') => self.pos += 1,
                Some(_) => {
                    self.pos += 1;
                    return Err(self.error("expected `:`"));
                }
                None => return Err(self.error("EOF while parsing an object")),
            }
            let value = self.value()?;
            members.push((key, value));
            self.whitespace();
            match self.peek() {
                Some(b',') => {
                    self.pos += 1;
                    self.whitespace();
                    if self.peek() == Some(b'}') {
                        self.pos += 1;
                        return Err(self.error("trailing comma"));
                    }
                }
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Json::Object(members));
                }
                Some(_) => {
                    self.pos += 1;
                    return Err(self.error("expected `,` or `}`"));
                }
                None => return Err(self.error("EOF while parsing an object")),
            }
        }
    }

    /// A string, the opening quote next.
    #[inline(never)]
    fn string(&mut self) -> Read<String> {
        self.pos += 1;
        let mut out: Vec<u8> = Vec::new();
        loop {
            let Some(b) = self.peek() else { return Err(self.error("EOF while parsing a string")) };
            self.pos += 1;
            match b {
                b'"' => break,
                b'\\' => {
                    let Some(e) = self.peek() else { return Err(self.error("EOF while parsing a string")) };
                    self.pos += 1;
                    match e {
                        b'"' | b'\\' | b'/' => out.push(e),
                        b'b' => out.push(8),
                        b'f' => out.push(12),
                        b'n' => out.push(b'\n'),
                        b'r' => out.push(b'\r'),
                        b't' => out.push(b'\t'),
                        b'u' => {
                            let c = self.unicode_escape()?;
                            let mut buf = [0; 4];
                            out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                        }
                        _ => return Err(self.error("invalid escape")),
                    }
                }
                0..=0x1f => return Err(self.error("control character (\\u0000-\\u001F) found while parsing a string")),
                _ => out.push(b),
            }
        }
        // The input is a &str and escapes write whole characters: always UTF-8.
        String::from_utf8(out).map_err(|_| self.error("invalid unicode code point"))
    }

    fn hex4(&mut self) -> Read<u32> {
        let mut n = 0;
        for _ in 0..4 {
            let Some(b) = self.peek() else { return Err(self.error("EOF while parsing a string")) };
            self.pos += 1;
            let d = (b as char).to_digit(16).ok_or_else(|| self.error("invalid escape"))?;
            n = n * 16 + d;
        }
        Ok(n)
    }

    fn unicode_escape(&mut self) -> Read<char> {
        let first = self.hex4()?;
        let code = match first {
            0xD800..=0xDBFF => {
                if self.bytes.get(self.pos..self.pos + 2) != Some(b"\\u") {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                self.pos += 2;
                let second = self.hex4()?;
                if !(0xDC00..=0xDFFF).contains(&second) {
                    return Err(self.error("lone leading surrogate in hex escape"));
                }
                0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
            }
            0xDC00..=0xDFFF => return Err(self.error("lone leading surrogate in hex escape")),
            n => n,
        };
        char::from_u32(code).ok_or_else(|| self.error("invalid unicode code point"))
    }

    /// A number, read as serde_json reads it (without its `float_roundtrip` feature).
    #[inline(never)]
    fn number(&mut self) -> Read<Json> {
        let positive = if self.peek() == Some(b'-') {
            self.pos += 1;
            false
        } else {
            true
        };
        let Some(first) = self.peek() else { return Err(self.error("EOF while parsing a value")) };
        self.pos += 1;
        let mut significand: u64 = match first {
            b'0' => {
                if let Some(b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                    return Err(self.error("invalid number"));
                }
                0
            }
            b'1'..=b'9' => u64::from(first - b'0'),
            _ => return Err(self.error("invalid number")),
        };
        let mut exponent: i32 = 0;
        let mut overflowed = false;
        while let Some(c @ b'0'..=b'9') = self.peek() {
            self.pos += 1;
            let digit = u64::from(c - b'0');
            if overflowed || overflows(significand, digit) {
                // serde_json keeps the first digits and counts the rest into the exponent.
                overflowed = true;
                exponent += 1;
            } else {
                significand = significand * 10 + digit;
            }
        }
        let mut float = overflowed;
        if self.peek() == Some(b'.') {
            self.pos += 1;
            float = true;
            let mut fraction_digits = 0;
            while let Some(c @ b'0'..=b'9') = self.peek() {
                self.pos += 1;
                fraction_digits += 1;
                let digit = u64::from(c - b'0');
                if !overflowed && overflows(significand, digit) {
                    overflowed = true;
                }
                if !overflowed {
                    significand = significand * 10 + digit;
                    exponent -= 1;
                }
            }
            if fraction_digits == 0 {
                return Err(match self.peek() {
                    Some(_) => {
                        self.pos += 1;
                        self.error("invalid number")
                    }
                    None => self.error("EOF while parsing a value"),
                });
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.pos += 1;
            let positive_exp = match self.peek() {
                Some(b'+') => {
                    self.pos += 1;
                    true
                }
                Some(b'-') => {
                    self.pos += 1;
                    false
                }
                _ => true,
            };
            let Some(c @ b'0'..=b'9') = self.peek() else {
                return Err(match self.peek() {
                    Some(_) => {
                        self.pos += 1;
                        self.error("invalid number")
                    }
                    None => self.error("EOF while parsing a value"),
                });
            };
            self.pos += 1;
            let mut exp = i32::from(c - b'0');
            while let Some(c @ b'0'..=b'9') = self.peek() {
                self.pos += 1;
                let digit = i32::from(c - b'0');
                if exp >= i32::MAX / 10 && (exp > i32::MAX / 10 || digit > i32::MAX % 10) {
                    // serde_json: a huge positive exponent is out of range, a huge negative one 0.
                    if significand != 0 && positive_exp {
                        return Err(self.error("number out of range"));
                    }
                    while let Some(b'0'..=b'9') = self.peek() {
                        self.pos += 1;
                    }
                    return Ok(Json::F64(if positive { 0.0 } else { -0.0 }));
                }
                exp = exp * 10 + digit;
            }
            exponent = if positive_exp { exponent.saturating_add(exp) } else { exponent.saturating_sub(exp) };
            float = true;
        }
        if !float {
            return Ok(if positive {
                Json::U64(significand)
            } else {
                let negative = (significand as i64).wrapping_neg();
                if negative >= 0 {
                    Json::F64(-(significand as f64))
                } else {
                    Json::I64(negative)
                }
            });
        }
        // serde_json's f64_from_parts.
        let mut f = significand as f64;
        loop {
            match POW10.get(exponent.unsigned_abs() as usize) {
                Some(&pow) => {
                    if exponent >= 0 {
                        f *= pow;
                        if f.is_infinite() {
                            return Err(self.error("number out of range"));
                        }
                    } else {
                        f /= pow;
                    }
                    break;
                }
                None => {
                    if f == 0.0 {
                        break;
                    }
                    if exponent >= 0 {
                        return Err(self.error("number out of range"));
                    }
                    f /= 1e308;
                    exponent += 308;
                }
            }
        }
        Ok(Json::F64(if positive { f } else { -f }))
    }
}

fn overflows(significand: u64, digit: u64) -> bool {
    significand >= u64::MAX / 10 && (significand > u64::MAX / 10 || digit > u64::MAX % 10)
}

// ---- reading values, with serde's messages ---------------------------------------------------

impl Json {
    /// What serde calls the value in "invalid type: {}, expected ...".
    #[inline(never)]
    fn unexpected(&self) -> String {
        match self {
            Json::Null => "null".into(),
            Json::Bool(b) => format!("boolean `{b}`"),
            Json::U64(n) => format!("integer `{n}`"),
            Json::I64(n) => format!("integer `{n}`"),
            Json::F64(f) => {
                let mut text = crate::decimal::Shortest(*f).to_string();
                if f.is_finite() && !text.contains('.') {
                    text.push_str(".0");
                }
                format!("floating point `{text}`")
            }
            Json::Str(s) => format!("string {s:?}"),
            Json::Array(_) => "sequence".into(),
            Json::Object(_) => "map".into(),
        }
    }

    /// serde's "invalid type: ..., expected `expected`".
    pub fn invalid_type<T>(&self, expected: &str) -> Read<T> {
        Err(self.type_error(expected))
    }

    #[inline(never)]
    fn type_error(&self, expected: &str) -> String {
        format!("invalid type: {}, expected {expected}", self.unexpected())
    }

    #[inline(never)]
    pub fn f64(&self) -> Read<f64> {
        match self {
            Json::U64(n) => Ok(*n as f64),
            Json::I64(n) => Ok(*n as f64),
            Json::F64(f) => Ok(*f),
            other => other.invalid_type("f64"),
        }
    }

    /// An unsigned integer of type `T`, named `name` (`"u8"`) as serde names it.
    pub fn uint<T: TryFrom<u64>>(&self, name: &str) -> Read<T> {
        let out_of_range = |n: &dyn std::fmt::Display| format!("invalid value: integer `{n}`, expected {name}");
        match self {
            Json::U64(n) => T::try_from(*n).map_err(|_| out_of_range(n)),
            Json::I64(n) => u64::try_from(*n).ok().and_then(|u| T::try_from(u).ok()).ok_or_else(|| out_of_range(n)),
            other => other.invalid_type(name),
        }
    }

    #[inline(never)]
    pub fn bool(&self) -> Read<bool> {
        match self {
            Json::Bool(b) => Ok(*b),
            other => other.invalid_type("a boolean"),
        }
    }

    #[inline(never)]
    pub fn string(&self) -> Read<String> {
        match self {
            Json::Str(s) => Ok(s.clone()),
            other => other.invalid_type("a string"),
        }
    }

    /// `Option<T>`: `null` is `None`.
    pub fn option<T>(&self, read: impl FnOnce(&Json) -> Read<T>) -> Read<Option<T>> {
        match self {
            Json::Null => Ok(None),
            other => read(other).map(Some),
        }
    }

    /// `Vec<T>`.
    pub fn seq<T>(&self, mut read: impl FnMut(&Json) -> Read<T>) -> Read<Vec<T>> {
        match self {
            Json::Array(items) => items.iter().map(&mut read).collect(),
            other => other.invalid_type("a sequence"),
        }
    }

    /// A unit enum written as its variant's name (`variants` in declaration order).
    pub fn variant<T: Copy>(&self, variants: &[(&str, T)]) -> Read<T> {
        match self {
            Json::Str(s) => variants.iter().find(|(name, _)| name == s).map(|(_, v)| *v).ok_or_else(|| {
                let names: Vec<&str> = variants.iter().map(|(name, _)| *name).collect();
                format!("unknown variant `{s}`, expected {}", one_of(&names))
            }),
            // serde_json also reads a unit variant written as `{"name": null}`.
            Json::Object(members) => match members.first() {
                None => Err("expected value".into()),
                Some((key, value)) => {
                    let variant = Json::Str(key.clone()).variant(variants)?;
                    match value {
                        Json::Null if members.len() == 1 => Ok(variant),
                        Json::Null => Err("expected value".into()),
                        other => other.invalid_type("unit"),
                    }
                }
            },
            _ => Err("expected value".into()),
        }
    }

    /// A struct as serde's derived visitor reads it: from an object, its members in the order
    /// written (`fields` are the names it knows, in declaration order; `deny_unknown` refuses
    /// others; a field given twice is an error), or from an array, by position. `visit` reads
    /// field `i` from its value. The caller then takes each field through [`Given`], in
    /// declaration order, for serde's message about the first one missing.
    pub fn fields<'a>(
        &'a self,
        name: &str,
        fields: &[&str],
        deny_unknown: bool,
        mut visit: impl FnMut(usize, &'a Json) -> Read<()>,
    ) -> Read<Given> {
        let mut given = Given { expected: String::new(), by_position: None };
        match self {
            Json::Object(members) => {
                let mut seen = vec![false; fields.len()];
                for (key, value) in members {
                    match fields.iter().position(|f| f == key) {
                        Some(i) => {
                            if seen[i] {
                                return Err(format!("duplicate field `{key}`"));
                            }
                            seen[i] = true;
                            visit(i, value)?;
                        }
                        None if deny_unknown => {
                            return Err(if fields.is_empty() {
                                format!("unknown field `{key}`, there are no fields")
                            } else {
                                format!("unknown field `{key}`, expected {}", one_of(fields))
                            })
                        }
                        None => {}
                    }
                }
            }
            Json::Array(items) => {
                let n = fields.len();
                given.expected = format!("{name} with {n} element{}", if n == 1 { "" } else { "s" });
                given.by_position = Some(items.len());
                for (i, item) in items.iter().enumerate() {
                    if i >= n {
                        return Err("trailing characters".into());
                    }
                    visit(i, item)?;
                }
            }
            other => return other.invalid_type(name),
        }
        Ok(given)
    }

    /// The value as compact JSON text, as serde_json's `Value` writes it (object keys sorted,
    /// the last of a repeated key kept).
    #[inline(never)]
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        self.write(&mut out);
        out
    }

    fn write(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::U64(n) => {
                let _ = write!(out, "{n}");
            }
            Json::I64(n) => {
                let _ = write!(out, "{n}");
            }
            Json::F64(f) => json_out::write_f64(out, *f),
            Json::Str(s) => json_out::write_str(out, s),
            Json::Array(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write(out);
                }
                out.push(']');
            }
            Json::Object(members) => {
                let mut sorted: std::collections::BTreeMap<&str, &Json> = std::collections::BTreeMap::new();
                for (k, v) in members {
                    sorted.insert(k, v);
                }
                out.push('{');
                for (i, (k, v)) in sorted.into_iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_out::write_str(out, k);
                    out.push(':');
                    v.write(out);
                }
                out.push('}');
            }
        }
    }
}

/// serde's "missing field `name`".
#[inline(never)]
pub fn missing(name: &str) -> String {
    format!("missing field `{name}`")
}

/// How a struct was given ([`Json::fields`]), for the message about a missing field.
#[derive(Debug)]
pub struct Given {
    expected: String,
    /// `Some(length)` for a struct written as an array.
    by_position: Option<usize>,
}

impl Given {
    /// A field with no default, number `i` of the struct, named `name`.
    pub fn require<T>(&self, value: Option<T>, i: usize, name: &str) -> Read<T> {
        match (value, self.by_position) {
            (Some(v), _) => Ok(v),
            (None, None) => Err(missing(name)),
            (None, Some(_)) => Err(format!("invalid length {i}, expected {}", self.expected)),
        }
    }

    /// An `Option` field with no `#[serde(default)]`: absent is `None` in an object, but an
    /// array must still reach it.
    pub fn optional<T>(&self, value: Option<T>, i: usize) -> Read<Option<T>> {
        match (value, self.by_position) {
            (None, Some(_)) => Err(format!("invalid length {i}, expected {}", self.expected)),
            (value, _) => Ok(value),
        }
    }
}

/// serde's list of what was expected: "`a`", "`a` or `b`", "one of `a`, `b`, `c`".
fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => format!("`{one}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}

static POW10: [f64; 309] = [
    1e000, 1e001, 1e002, 1e003, 1e004, 1e005, 1e006, 1e007, 1e008, 1e009, //
    1e010, 1e011, 1e012, 1e013, 1e014, 1e015, 1e016, 1e017, 1e018, 1e019, //
    1e020, 1e021, 1e022, 1e023, 1e024, 1e025, 1e026, 1e027, 1e028, 1e029, //
    1e030, 1e031, 1e032, 1e033, 1e034, 1e035, 1e036, 1e037, 1e038, 1e039, //
    1e040, 1e041, 1e042, 1e043, 1e044, 1e045, 1e046, 1e047, 1e048, 1e049, //
    1e050, 1e051, 1e052, 1e053, 1e054, 1e055, 1e056, 1e057, 1e058, 1e059, //
    1e060, 1e061, 1e062, 1e063, 1e064, 1e065, 1e066, 1e067, 1e068, 1e069, //
    1e070, 1e071, 1e072, 1e073, 1e074, 1e075, 1e076, 1e077, 1e078, 1e079, //
    1e080, 1e081, 1e082, 1e083, 1e084, 1e085, 1e086, 1e087, 1e088, 1e089, //
    1e090, 1e091, 1e092, 1e093, 1e094, 1e095, 1e096, 1e097, 1e098, 1e099, //
    1e100, 1e101, 1e102, 1e103, 1e104, 1e105, 1e106, 1e107, 1e108, 1e109, //
    1e110, 1e111, 1e112, 1e113, 1e114, 1e115, 1e116, 1e117, 1e118, 1e119, //
    1e120, 1e121, 1e122, 1e123, 1e124, 1e125, 1e126, 1e127, 1e128, 1e129, //
    1e130, 1e131, 1e132, 1e133, 1e134, 1e135, 1e136, 1e137, 1e138, 1e139, //
    1e140, 1e141, 1e142, 1e143, 1e144, 1e145, 1e146, 1e147, 1e148, 1e149, //
    1e150, 1e151, 1e152, 1e153, 1e154, 1e155, 1e156, 1e157, 1e158, 1e159, //
    1e160, 1e161, 1e162, 1e163, 1e164, 1e165, 1e166, 1e167, 1e168, 1e169, //
    1e170, 1e171, 1e172, 1e173, 1e174, 1e175, 1e176, 1e177, 1e178, 1e179, //
    1e180, 1e181, 1e182, 1e183, 1e184, 1e185, 1e186, 1e187, 1e188, 1e189, //
    1e190, 1e191, 1e192, 1e193, 1e194, 1e195, 1e196, 1e197, 1e198, 1e199, //
    1e200, 1e201, 1e202, 1e203, 1e204, 1e205, 1e206, 1e207, 1e208, 1e209, //
    1e210, 1e211, 1e212, 1e213, 1e214, 1e215, 1e216, 1e217, 1e218, 1e219, //
    1e220, 1e221, 1e222, 1e223, 1e224, 1e225, 1e226, 1e227, 1e228, 1e229, //
    1e230, 1e231, 1e232, 1e233, 1e234, 1e235, 1e236, 1e237, 1e238, 1e239, //
    1e240, 1e241, 1e242, 1e243, 1e244, 1e245, 1e246, 1e247, 1e248, 1e249, //
    1e250, 1e251, 1e252, 1e253, 1e254, 1e255, 1e256, 1e257, 1e258, 1e259, //
    1e260, 1e261, 1e262, 1e263, 1e264, 1e265, 1e266, 1e267, 1e268, 1e269, //
    1e270, 1e271, 1e272, 1e273, 1e274, 1e275, 1e276, 1e277, 1e278, 1e279, //
    1e280, 1e281, 1e282, 1e283, 1e284, 1e285, 1e286, 1e287, 1e288, 1e289, //
    1e290, 1e291, 1e292, 1e293, 1e294, 1e295, 1e296, 1e297, 1e298, 1e299, //
    1e300, 1e301, 1e302, 1e303, 1e304, 1e305, 1e306, 1e307, 1e308,
];
/// For the tests of the readers: variants of a valid JSON document (each member removed, given
/// an odd value, an unknown member added, arrays emptied) to compare with serde's derived reader.
#[cfg(test)]
pub(crate) mod mutations {
    use serde_json::{json, Value};

    pub fn odd_values() -> Vec<Value> {
        vec![
            json!(null),
            json!(true),
            json!(0),
            json!(5),
            json!(-1),
            json!(300),
            json!(70000),
            json!(4294967296u64),
            json!(1.5),
            json!(1e3),
            json!(-0.0),
            json!("x"),
            json!("2026-09-01"),
            json!("ASD"),
            json!("special"),
            json!("boys"),
            json!([]),
            json!(["ASD", "x"]),
            json!(["special"]),
            json!({}),
            json!({"a": 1}),
            json!({"lat": 53.8, "lon": -1.5, "x": 1}),
        ]
    }

    /// Every variant of `doc`, as text, and a few texts serde and the reader must both refuse.
    pub fn of(doc: &Value) -> Vec<String> {
        let mut out = vec![doc.to_string()];
        let mut paths = Vec::new();
        collect(doc, &mut Vec::new(), &mut paths);
        for path in &paths {
            let mut removed = doc.clone();
            if let Some((last, parent)) = path.split_last() {
                if let Some(Value::Object(m)) = at(&mut removed, parent) {
                    m.remove(last);
                }
            }
            out.push(removed.to_string());
            for odd in odd_values() {
                let mut changed = doc.clone();
                if let Some(slot) = at(&mut changed, path) {
                    *slot = odd;
                }
                out.push(changed.to_string());
            }
        }
        // An unknown member in every object.
        let mut objects = vec![Vec::new()];
        objects.extend(paths.iter().filter(|p| matches!(at(&mut doc.clone(), p), Some(Value::Object(_)))).cloned());
        for path in objects {
            let mut added = doc.clone();
            if let Some(Value::Object(m)) = at(&mut added, &path) {
                m.insert("zzzUnknown".into(), json!(1));
            }
            out.push(added.to_string());
        }
        for odd in odd_values() {
            out.push(odd.to_string());
        }
        // A member given twice, at the start and at the end.
        let text = doc.to_string();
        if let Some(rest) = text.strip_prefix('{') {
            if let Some((first, _)) = rest.split_once(',') {
                out.push(format!("{{{first},{rest}"));
                out.push(format!("{}, {first}}}", &text[..text.len() - 1]));
            }
        }
        out.extend(
            ["", " ", "{", "[", "{\"a\"", "nul", "01", "1.", "-", "1e", "\"\\x\"", "{\"a\":1,}"].map(String::from),
        );
        out
    }

    fn collect(v: &Value, path: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
        if let Value::Object(m) = v {
            for (k, child) in m {
                path.push(k.clone());
                out.push(path.clone());
                collect(child, path, out);
                path.pop();
            }
        }
        if let Value::Array(items) = v {
            for (i, child) in items.iter().enumerate() {
                path.push(format!("#{i}"));
                out.push(path.clone());
                collect(child, path, out);
                path.pop();
            }
        }
    }

    fn at<'a>(v: &'a mut Value, path: &[String]) -> Option<&'a mut Value> {
        let mut v = v;
        for key in path {
            v = match key.strip_prefix('#') {
                Some(i) => v.get_mut(i.parse::<usize>().ok()?)?,
                None => v.get_mut(key.as_str())?,
            };
        }
        Some(v)
    }

    /// serde_json's message without its " at line L column C".
    pub fn without_position(message: &str) -> String {
        match message.rfind(" at line ") {
            Some(i) if message[i + 9..].split(" column ").all(|n| n.chars().all(|c| c.is_ascii_digit())) => {
                message[..i].to_string()
            }
            _ => message.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_as_serde_json_reads_them() {
        let mut seed = 0x1234_5678_9abc_def1u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let mut texts: Vec<String> = [
            "0",
            "-0",
            "1",
            "-1",
            "0.1",
            "1e5",
            "1E+5",
            "1e-5",
            "-0.0",
            "18446744073709551615",
            "18446744073709551616",
            "-9223372036854775808",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "1.7976931348623157e308",
            "1e309",
            "1e-400",
            "4.9e-324",
            "0.30000000000000004",
            "53.800123456789012",
            "-1.5598765432109876",
            "1e999999999999",
            "1e-999999999999",
            "0e999999999999",
            "12345678901234567890.123e-5",
        ]
        .map(String::from)
        .to_vec();
        for _ in 0..20_000 {
            let r = next();
            let digits = 1 + (r % 20) as usize;
            let mut t: String = (0..digits).map(|i| char::from(b'0' + ((next() >> (i % 8)) % 10) as u8)).collect();
            t = t.trim_start_matches('0').to_string();
            if t.is_empty() {
                t.push('0');
            }
            if r & 0x100 != 0 {
                t.insert(t.len().saturating_sub((r >> 12) as usize % (t.len() + 1)).max(1), '.');
                if t.ends_with('.') {
                    t.push('5');
                }
            }
            if r & 0x200 != 0 {
                t.push_str(&format!("e{}", (r >> 20) as i64 % 330 - 165));
            }
            if r & 0x400 != 0 {
                t.insert(0, '-');
            }
            texts.push(t);
        }
        for text in texts {
            let ours = parse(&text);
            let theirs: std::result::Result<serde_json::Value, _> = serde_json::from_str(&text);
            match (ours, theirs) {
                (Ok(Json::U64(a)), Ok(b)) => assert_eq!(Some(a), b.as_u64(), "{text}"),
                (Ok(Json::I64(a)), Ok(b)) => assert_eq!(Some(a), b.as_i64().filter(|_| !b.is_u64()), "{text}"),
                (Ok(Json::F64(a)), Ok(b)) => {
                    assert!(b.is_f64(), "{text}");
                    assert_eq!(a.to_bits(), b.as_f64().unwrap().to_bits(), "{text}");
                }
                (Err(a), Err(b)) => assert_eq!(a, b.to_string(), "{text}"),
                (a, b) => panic!("{text}: {a:?} against {b:?}"),
            }
        }
    }

    #[test]
    fn strings_escapes_and_nesting() {
        let text = r#"{"a":"x\n\u00e9\ud83d\ude00\"\\/","b":[1,[2,[3]]],"c":{"d":null,"e":true,"f":false}}"#;
        let ours = parse(text).unwrap();
        let theirs: serde_json::Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours.to_text(), theirs.to_string());
        assert!(parse(&"[".repeat(129)).unwrap_err().starts_with("recursion limit exceeded"));
        assert!(parse(&format!("{}{}", "[".repeat(128), "]".repeat(128))).is_ok());
        for bad in
            ["", "{", "[1,]", "{\"a\":1,}", "{1:2}", "[1 2]", "\"\\u12\"", "\"\\ud800\"", "tru", "1 2", "\"\u{1}\""]
        {
            assert!(parse(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<serde_json::Value>(bad).is_err(), "{bad}");
        }
    }
}
