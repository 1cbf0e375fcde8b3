//! `f64` as text, written exactly as `format!("{x}")` and `format!("{x:.N}")` write it, without
//! core's float formatting (flt2dec: Grisu, Dragon and their tables, about 17 KB of the finder's
//! wasm). [`Shortest`] takes the shortest round-trip digits from `zmij` (already in the module:
//! `src/engine/json_out.rs` writes the answers' floats with it) and lays them out as `Display` does (never an exponent);
//! [`Fixed`] rounds the exact binary value half to even, as `{:.N}` does, with integer
//! arithmetic. The tests check both against `format!` on hundreds of thousands of values.
//!
//! Only for plain `{}`: width, fill and sign flags of the surrounding format are ignored.

use std::fmt;

/// `format!("{x}")`: `0.1`, `7.5`, `100`, `-0`, `1e-7` as `0.0000001`, `NaN`, `inf`.
#[derive(Clone, Copy, Debug)]
pub struct Shortest(pub f64);

/// `format!("{x:.N}")` with `N` = `.1`: `3.4`, `0.0`, `-0.0`, `NaN`.
#[derive(Clone, Copy, Debug)]
pub struct Fixed(pub f64, pub usize);

impl fmt::Display for Shortest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        if !x.is_finite() {
            return f.write_str(nonfinite(x));
        }
        let mut buffer = zmij::Buffer::new();
        let written = buffer.format_finite(x);
        let (negative, written) = match written.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, written),
        };
        let (mantissa, exponent) = match written.split_once(['e', 'E']) {
            Some((m, e)) => (m, e.trim_start_matches('+').parse::<i32>().unwrap_or(0)),
            None => (written, 0),
        };
        // The digits without the point, and where the point goes: value = 0.DIGITS × 10^point.
        let int_len = mantissa.find('.').unwrap_or(mantissa.len()) as i32;
        let mut digits: Vec<u8> = mantissa.bytes().filter(u8::is_ascii_digit).collect();
        let mut point = int_len + exponent;
        let leading = digits.iter().take_while(|d| **d == b'0').count();
        digits.drain(..leading);
        point -= leading as i32;
        while digits.last() == Some(&b'0') {
            digits.pop();
        }
        // zmij breaks an exact tie between two shortest digit strings to even; `Display` rounds
        // it up (1394865425023536.25 is written ...536.3).
        if !digits.is_empty() && is_tie(x.abs(), &digits, point) {
            let mut i = digits.len();
            loop {
                if i == 0 {
                    digits.insert(0, b'1');
                    point += 1;
                    break;
                }
                i -= 1;
                if digits[i] == b'9' {
                    digits[i] = b'0';
                } else {
                    digits[i] += 1;
                    break;
                }
            }
            while digits.last() == Some(&b'0') {
                digits.pop();
            }
        }
        if negative {
            f.write_str("-")?;
        }
        if digits.is_empty() {
            return f.write_str("0");
        }
        if point <= 0 {
            f.write_str("0.")?;
            zeros(f, (-point) as usize)?;
            f.write_str(text(&digits))
        } else if point as usize >= digits.len() {
            f.write_str(text(&digits))?;
            zeros(f, point as usize - digits.len())
        } else {
            let (int, frac) = digits.split_at(point as usize);
            f.write_str(text(int))?;
            f.write_str(".")?;
            f.write_str(text(frac))
        }
    }
}

impl fmt::Display for Fixed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (x, places) = (self.0, self.1);
        if !x.is_finite() {
            return f.write_str(nonfinite(x));
        }
        if x.is_sign_negative() {
            f.write_str("-")?;
        }
        let (m, e) = parts(x);
        // The digits of round_half_even(|x| × 10^places), at least places + 1 of them.
        let mut digits = scaled_digits(m, e, places);
        if digits.len() < places + 1 {
            let mut padded = vec![b'0'; places + 1 - digits.len()];
            padded.extend_from_slice(&digits);
            digits = padded;
        }
        let (int, frac) = digits.split_at(digits.len() - places);
        f.write_str(std::str::from_utf8(int).unwrap_or(""))?;
        if places > 0 {
            f.write_str(".")?;
            f.write_str(std::str::from_utf8(frac).unwrap_or(""))?;
        }
        Ok(())
    }
}

/// Whether `x` (finite, positive) is exactly halfway between 0.DIGITS × 10^point and the next
/// number of as many digits: x × 2 = (2 × DIGITS + 1) × 10^(point − len).
fn is_tie(x: f64, digits: &[u8], point: i32) -> bool {
    let d = digits.iter().fold(0u64, |n, c| n * 10 + u64::from(c - b'0'));
    let (m, e) = parts(x);
    let j = point - digits.len() as i32;
    let mut lhs = vec![(m << 1) as u32, (m >> 31) as u32];
    let odd = 2 * d + 1;
    let mut rhs = vec![odd as u32, (odd >> 32) as u32];
    let (ten, times) = if j >= 0 { (&mut rhs, j) } else { (&mut lhs, -j) };
    for _ in 0..times {
        mul_small(ten, 10);
    }
    if e >= 0 {
        shift_left(&mut lhs, e as usize);
    } else {
        shift_left(&mut rhs, (-e) as usize);
    }
    for n in [&mut lhs, &mut rhs] {
        while n.last() == Some(&0) {
            n.pop();
        }
    }
    lhs == rhs
}

/// |x| = m × 2^e exactly.
fn parts(x: f64) -> (u64, i32) {
    let bits = x.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1 << 52), biased - 1075)
    }
}

fn text(digits: &[u8]) -> &str {
    std::str::from_utf8(digits).unwrap_or("")
}

fn nonfinite(x: f64) -> &'static str {
    if x.is_nan() {
        "NaN"
    } else if x > 0.0 {
        "inf"
    } else {
        "-inf"
    }
}

fn zeros(f: &mut fmt::Formatter<'_>, n: usize) -> fmt::Result {
    for _ in 0..n {
        f.write_str("0")?;
    }
    Ok(())
}

/// The decimal digits of round_half_even(m × 2^e × 10^places) (no leading zeros; "0" for 0).
fn scaled_digits(m: u64, e: i32, places: usize) -> Vec<u8> {
    // Fast path, the usual case (miles, scores): m × 10^places and the shift fit in a u128.
    if places <= 19 && (-127..=10).contains(&e) {
        let n = u128::from(m) * 10u128.pow(places as u32);
        let q = if e >= 0 {
            n << e
        } else {
            let shift = (-e) as u32;
            let q = n >> shift;
            let r = n & ((1u128 << shift) - 1);
            let half = 1u128 << (shift - 1);
            if r > half || (r == half && q & 1 == 1) {
                q + 1
            } else {
                q
            }
        };
        return u128_digits(q);
    }
    // Any other value: the same with a little big-number arithmetic (base 2^32, little-endian).
    let mut n: Vec<u32> = vec![m as u32, (m >> 32) as u32];
    for _ in 0..places {
        mul_small(&mut n, 10);
    }
    if e >= 0 {
        shift_left(&mut n, e as usize);
    } else {
        let shift = (-e) as usize;
        let round_up = {
            // Compare the remainder (the low `shift` bits) with half (bit shift - 1 alone).
            let bit = |i: usize| n.get(i / 32).is_some_and(|w| (w >> (i % 32)) & 1 == 1);
            let half_bit = bit(shift - 1);
            let below_half = (0..shift - 1).any(bit);
            let q_odd = bit(shift);
            half_bit && (below_half || q_odd)
        };
        shift_right(&mut n, shift);
        if round_up {
            add_one(&mut n);
        }
    }
    big_digits(n)
}

fn u128_digits(mut q: u128) -> Vec<u8> {
    if let Ok(small) = u64::try_from(q) {
        return u64_digits(small);
    }
    let mut out = Vec::with_capacity(40);
    while q > 0 {
        out.push(b'0' + (q % 10) as u8);
        q /= 10;
    }
    out.reverse();
    out
}

fn u64_digits(mut q: u64) -> Vec<u8> {
    let mut out = Vec::with_capacity(20);
    loop {
        out.push(b'0' + (q % 10) as u8);
        q /= 10;
        if q == 0 {
            break;
        }
    }
    out.reverse();
    out
}

fn mul_small(n: &mut Vec<u32>, k: u32) {
    let mut carry = 0u64;
    for w in n.iter_mut() {
        let v = u64::from(*w) * u64::from(k) + carry;
        *w = v as u32;
        carry = v >> 32;
    }
    if carry > 0 {
        n.push(carry as u32);
    }
}

fn shift_left(n: &mut Vec<u32>, bits: usize) {
    let (words, bits) = (bits / 32, bits % 32);
    if bits > 0 {
        let mut carry = 0u32;
        for w in n.iter_mut() {
            let v = (*w << bits) | carry;
            carry = *w >> (32 - bits);
            *w = v;
        }
        if carry > 0 {
            n.push(carry);
        }
    }
    n.splice(0..0, std::iter::repeat_n(0, words));
}

fn shift_right(n: &mut Vec<u32>, bits: usize) {
    let (words, bits) = (bits / 32, bits % 32);
    if words >= n.len() {
        n.clear();
        return;
    }
    n.drain(..words);
    if bits > 0 {
        for i in 0..n.len() {
            let high = n.get(i + 1).map_or(0, |w| w << (32 - bits));
            n[i] = (n[i] >> bits) | high;
        }
    }
    while n.last() == Some(&0) {
        n.pop();
    }
}

fn add_one(n: &mut Vec<u32>) {
    for w in n.iter_mut() {
        let (v, overflow) = w.overflowing_add(1);
        *w = v;
        if !overflow {
            return;
        }
    }
    n.push(1);
}

/// Decimal digits of a big number, by repeated division by 10^9.
fn big_digits(mut n: Vec<u32>) -> Vec<u8> {
    while n.last() == Some(&0) {
        n.pop();
    }
    let mut chunks: Vec<u32> = Vec::new();
    while !n.is_empty() {
        let mut rem = 0u64;
        for w in n.iter_mut().rev() {
            let v = (rem << 32) | u64::from(*w);
            *w = (v / 1_000_000_000) as u32;
            rem = v % 1_000_000_000;
        }
        chunks.push(rem as u32);
        while n.last() == Some(&0) {
            n.pop();
        }
    }
    let Some(top) = chunks.pop() else { return vec![b'0'] };
    let mut out = u64_digits(u64::from(top));
    for chunk in chunks.iter().rev() {
        let d = u64_digits(u64::from(*chunk));
        out.extend(std::iter::repeat_n(b'0', 9 - d.len()));
        out.extend_from_slice(&d);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// xorshift64*: a fixed sequence, no dependency.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
        }
    }

    fn check(x: f64) {
        assert_eq!(Shortest(x).to_string(), format!("{x}"), "shortest of {:e} (bits {:#x})", x, x.to_bits());
        for places in 0..=4 {
            assert_eq!(
                Fixed(x, places).to_string(),
                format!("{x:.places$}"),
                "{places} places of {:e} (bits {:#x})",
                x,
                x.to_bits()
            );
        }
    }

    #[test]
    fn special_values() {
        for x in [
            0.0,
            -0.0,
            f64::NAN,
            -f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::MIN_POSITIVE,
            -f64::MIN_POSITIVE,
            f64::MAX,
            f64::MIN,
            f64::EPSILON,
            5e-324,
            -5e-324,
            1e21,
            1e22,
            1e-7,
            0.1,
            0.5,
            1.5,
            2.5,
            0.125,
            0.375,
            0.05,
            0.95,
            0.96,
            9.95,
            99.95,
            100.0,
            7.5,
            1e300,
        ] {
            check(x);
        }
        for places in [0, 1, 2, 10, 17, 20, 30, 60] {
            for x in [0.1, 2.5, 1e-30, 123456.789, 1e25, 5e-324] {
                assert_eq!(Fixed(x, places).to_string(), format!("{x:.places$}"), "{places} places of {x:e}");
            }
        }
    }

    #[test]
    fn random_bit_patterns() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..100_000 {
            check(f64::from_bits(rng.next()));
        }
    }

    #[test]
    fn values_like_the_engines() {
        // Miles, scores, fits, radii: short decimals, their neighbours and exact halves.
        let mut rng = Rng(0x1234_5678_9abc_def1);
        for _ in 0..100_000 {
            let scale = [1.0, 10.0, 100.0, 1000.0, 8.0, 16.0, 1e5][(rng.next() % 7) as usize];
            let x = (rng.next() % 200_000) as f64 / scale;
            check(x);
            check(-x);
            check(f64::from_bits(x.to_bits() + 1));
            check(f64::from_bits(x.to_bits().saturating_sub(1)));
        }
        for metres in (0..200_000).step_by(7) {
            check(f64::from(metres) / 1609.344);
        }
    }
}
