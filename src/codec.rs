//! The byte-level pieces both binary formats use (the dataset file, `dataset.rs`, and the
//! postcode shards, `postcode.rs`): LEB128 varints, zigzag for signed deltas, and a
//! bounds-checked reader that returns `None` past the end instead of panicking.
//!
//! [`Postcard`] reads what `postcard` writes for the types the data files hold (the settings
//! tables of `dataset.bin` and the details files), so that postcard's and serde's derived
//! readers stay out of the finder's wasm. The build side keeps writing with postcard.

/// Maps a signed delta to an unsigned one, small magnitudes to small numbers (0, -1, 1, -2 →
/// 0, 1, 2, 3), so that a varint of it is short.
pub(crate) fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

/// The inverse of [`zigzag`].
pub(crate) fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// LEB128: seven bits a byte, low bits first, high bit set on all but the last byte.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// A bounds-checked reader: every read returns `None` past the end instead of panicking.
pub(crate) struct Reader<'a> {
    pub(crate) bytes: &'a [u8],
    pub(crate) pos: usize,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8], pos: usize) -> Reader<'a> {
        Reader { bytes, pos }
    }

    pub(crate) fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let slice = self.bytes.get(self.pos..self.pos.checked_add(n)?)?;
        self.pos += n;
        Some(slice)
    }

    pub(crate) fn byte(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    pub(crate) fn u16_le(&mut self) -> Option<u16> {
        self.take(2).map(|b| u16::from_le_bytes([b[0], b[1]]))
    }

    pub(crate) fn u32_le(&mut self) -> Option<u32> {
        self.take(4).map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// A little-endian `u32` length and that many bytes.
    pub(crate) fn section(&mut self) -> Option<&'a [u8]> {
        let start = self.pos;
        let len = self.u32_le()? as usize;
        let body = self.take(len);
        if body.is_none() {
            self.pos = start;
        }
        body
    }

    /// A length byte and that many bytes of ASCII. Non-ASCII text reads as `None` too: the
    /// callers then report the file as damaged.
    pub(crate) fn short_text(&mut self) -> Option<&'a str> {
        let n = self.byte()?;
        std::str::from_utf8(self.take(usize::from(n))?).ok().filter(|s| s.is_ascii())
    }

    /// LEB128 of at most ten bytes; `None` at the end of input or for an over-long encoding.
    pub(crate) fn varint(&mut self) -> Option<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let b = self.byte()?;
            value |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(value);
            }
        }
        None
    }
}

/// Why a postcard value could not be read (the caller puts it in its message).
pub(crate) type Bad = &'static str;

/// A reader of postcard's format: unsigned integers as LEB128 varints of at most as many bytes
/// as their type needs (`u8` as one plain byte), `bool` and `Option`'s tag as a byte 0 or 1,
/// strings and sequences as a varint length and their items, tuples, arrays and structs as
/// their items in order. It refuses what `postcard::from_bytes` refuses, and also bytes left
/// over after the value (postcard ignores them; the files never have any).
pub(crate) struct Postcard<'a>(pub(crate) Reader<'a>);

impl<'a> Postcard<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Postcard<'a> {
        Postcard(Reader::new(bytes, 0))
    }

    /// The message for running out of bytes.
    pub(crate) const TRUNCATED: Bad = "is truncated";

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Bad> {
        self.0.take(n).ok_or(Self::TRUNCATED)
    }

    #[inline]
    pub(crate) fn u8(&mut self) -> Result<u8, Bad> {
        let b = *self.0.bytes.get(self.0.pos).ok_or(Self::TRUNCATED)?;
        self.0.pos += 1;
        Ok(b)
    }

    /// A varint of a type of `bits` bits (16, 32 or 64), with postcard's checks: at most
    /// `ceil(bits / 7)` bytes, the last of that many holding no bits beyond the type's. One
    /// byte (most of them) is read here, longer ones by [`varint_rest`](Self::varint_rest).
    #[inline]
    fn varint(&mut self, bits: u32) -> Result<u64, Bad> {
        let b = self.u8()?;
        if b < 0x80 {
            Ok(u64::from(b))
        } else {
            self.varint_rest(b, bits)
        }
    }

    #[inline(never)]
    fn varint_rest(&mut self, first: u8, bits: u32) -> Result<u64, Bad> {
        let max = bits.div_ceil(7);
        let mut value = u64::from(first & 0x7f);
        for i in 1..max {
            let b = self.u8()?;
            value |= u64::from(b & 0x7f) << (7 * i);
            if b & 0x80 == 0 {
                if i == max - 1 && u32::from(b) >> (bits - 7 * i) != 0 {
                    break;
                }
                return Ok(value);
            }
        }
        Err("has a number too large for its type")
    }

    pub(crate) fn u16(&mut self) -> Result<u16, Bad> {
        self.varint(16).map(|v| v as u16)
    }

    pub(crate) fn u32(&mut self) -> Result<u32, Bad> {
        self.varint(32).map(|v| v as u32)
    }

    /// A `bool`, or an `Option`'s tag (`true` for `Some`).
    #[inline]
    pub(crate) fn bool(&mut self) -> Result<bool, Bad> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err("has a flag that is neither 0 nor 1"),
        }
    }

    pub(crate) fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> Result<T, Bad>) -> Result<Option<T>, Bad> {
        if self.bool()? {
            read(self).map(Some)
        } else {
            Ok(None)
        }
    }

    /// A sequence's length, refused if the bytes left cannot hold that many items of at least
    /// `min_bytes` each (so that a forged count reserves no memory).
    #[inline(never)]
    pub(crate) fn len(&mut self, min_bytes: usize) -> Result<usize, Bad> {
        let n = self.varint(usize::BITS)?;
        let left = self.0.bytes.len().saturating_sub(self.0.pos);
        if n > (left / min_bytes.max(1)) as u64 {
            return Err("claims more entries than it holds");
        }
        Ok(n as usize)
    }

    #[inline(never)]
    pub(crate) fn string(&mut self) -> Result<String, Bad> {
        let n = self.len(1)?;
        let bytes = self.take(n)?;
        std::str::from_utf8(bytes).map(str::to_owned).map_err(|_| "has text that is not UTF-8")
    }

    pub(crate) fn opt_string(&mut self) -> Result<Option<String>, Bad> {
        self.option(Self::string)
    }

    /// A sequence of `min_bytes`-or-longer items, the whole input: nothing may follow it.
    pub(crate) fn all<T>(
        mut self,
        min_bytes: usize,
        mut read: impl FnMut(&mut Self) -> Result<T, Bad>,
    ) -> Result<Vec<T>, Bad> {
        let n = self.len(min_bytes)?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(read(&mut self)?);
        }
        if self.0.pos != self.0.bytes.len() {
            return Err("has bytes left over");
        }
        Ok(items)
    }
}

/// CRC-32 (IEEE 802.3, as zlib and `crc32fast::hash` compute it), eight bytes at a time
/// ("slicing-by-8"): what the engine writes and checks its files with (the core and details
/// files, `dataset.bin`, the postcode shards). The 8 KB of tables are computed on first use
/// (a few microseconds) rather than stored: `crc32fast`'s stored tables were 16 KB of the
/// finder's wasm, 15.7 KB after brotli (issue 13).
pub(crate) fn crc32(bytes: &[u8]) -> u32 {
    let t = crc_tables();
    let mut crc = !0u32;
    let mut chunks = bytes.chunks_exact(8);
    for c in &mut chunks {
        let lo = u32::from_le_bytes([c[0], c[1], c[2], c[3]]) ^ crc;
        let hi = u32::from_le_bytes([c[4], c[5], c[6], c[7]]);
        crc = t[7][(lo & 0xFF) as usize]
            ^ t[6][((lo >> 8) & 0xFF) as usize]
            ^ t[5][((lo >> 16) & 0xFF) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][(hi & 0xFF) as usize]
            ^ t[2][((hi >> 8) & 0xFF) as usize]
            ^ t[1][((hi >> 16) & 0xFF) as usize]
            ^ t[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        crc = t[0][((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8);
    }
    !crc
}

/// The slicing-by-8 tables: `t[0]` the byte-at-a-time table of the reflected polynomial
/// 0xEDB88320, `t[k]` the CRC of a byte followed by `k` zero bytes.
fn crc_tables() -> &'static [[u32; 256]; 8] {
    static TABLES: std::sync::OnceLock<Box<[[u32; 256]; 8]>> = std::sync::OnceLock::new();
    TABLES.get_or_init(|| {
        let mut t = Box::new([[0u32; 256]; 8]);
        for (i, entry) in (0u32..).zip(t[0].iter_mut()) {
            let mut c = i;
            for _ in 0..8 {
                c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            }
            *entry = c;
        }
        for k in 1..8 {
            for i in 0..256 {
                let prev = t[k - 1][i];
                t[k][i] = (prev >> 8) ^ t[0][(prev & 0xFF) as usize];
            }
        }
        t
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crc32_is_zlibs_at_every_length_and_alignment() {
        // A seeded byte stream; every length up to 100 (each remainder after the 8-byte steps)
        // from several offsets, and whole files' sizes.
        let mut x = 0x2545_F491_4F6C_DD1Du64;
        let bytes: Vec<u8> = (0..300_000)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        for start in 0..9 {
            for len in 0..100 {
                let b = &bytes[start..start + len];
                assert_eq!(crc32(b), crc32fast::hash(b), "offset {start} length {len}");
            }
        }
        for len in [1_000, 65_537, 299_991] {
            assert_eq!(crc32(&bytes[..len]), crc32fast::hash(&bytes[..len]), "length {len}");
        }
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926, "the CRC-32 check value");
    }

    #[test]
    fn varints_and_zigzag_round_trip_at_the_edges() {
        for v in [0, 1, 127, 128, 16_383, 16_384, u64::from(u32::MAX), u64::MAX] {
            let mut w = Vec::new();
            put_varint(&mut w, v);
            assert_eq!(Reader::new(&w, 0).varint(), Some(v));
        }
        for v in [0, -1, 1, i64::from(i32::MIN), i64::MAX, i64::MIN] {
            assert_eq!(unzigzag(zigzag(v)), v);
        }
    }

    /// Every short sequence of bytes that matter to varints (continuation bits, the last byte's
    /// limit for each width), flags and strings: the postcard reader reads what `postcard` reads,
    /// to the same byte, and refuses what it refuses.
    #[test]
    fn postcard_primitives_read_as_postcard_reads_them() {
        use serde::de::DeserializeOwned;
        fn agree<'a, T: DeserializeOwned + PartialEq + std::fmt::Debug>(
            bytes: &'a [u8],
            read: impl FnOnce(&mut Postcard<'a>) -> Result<T, Bad>,
            tally: &mut [usize; 2],
        ) {
            let mut p = Postcard::new(bytes);
            let ours = read(&mut p).map(|v| (v, p.0.pos));
            let theirs = postcard::take_from_bytes::<T>(bytes).map(|(v, rest)| (v, bytes.len() - rest.len()));
            match (ours, theirs) {
                (Ok(a), Ok(b)) => {
                    assert_eq!(a, b, "{bytes:02x?}");
                    tally[0] += 1;
                }
                (Err(_), Err(_)) => tally[1] += 1,
                (a, b) => panic!("{bytes:02x?}: {a:?} against {b:?}"),
            }
        }
        let alphabet = [0x00, 0x01, 0x02, 0x03, 0x04, 0x0f, 0x10, 0x61, 0x7f, 0x80, 0x81, 0xc3, 0xa9, 0xff];
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut sequences: Vec<Vec<u8>> = vec![vec![]];
        for len in 1..=4 {
            let count = alphabet.len().pow(len);
            sequences.extend((0..count).map(|mut i| {
                (0..len)
                    .map(|_| {
                        let b = alphabet[i % alphabet.len()];
                        i /= alphabet.len();
                        b
                    })
                    .collect()
            }));
        }
        for _ in 0..100_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = 5 + (seed % 8) as usize;
            sequences.push((0..len).map(|i| alphabet[(seed >> (4 + 4 * i)) as usize % alphabet.len()]).collect());
        }
        // Over-long and full-width varints of every width.
        for width in [3, 5, 10] {
            for last in [0x00, 0x01, 0x03, 0x04, 0x0f, 0x10, 0x7f, 0x80] {
                let mut v = vec![0xff; width - 1];
                v.push(last);
                sequences.push(v.clone());
                v[0] = 0x80;
                sequences.push(v);
            }
        }
        let mut tally = [[0usize; 2]; 7];
        for bytes in &sequences {
            agree::<u8>(bytes, Postcard::u8, &mut tally[0]);
            agree::<u16>(bytes, Postcard::u16, &mut tally[1]);
            agree::<u32>(bytes, Postcard::u32, &mut tally[2]);
            agree::<u64>(bytes, |p| p.varint(64), &mut tally[3]);
            agree::<bool>(bytes, Postcard::bool, &mut tally[4]);
            agree::<Option<u16>>(bytes, |p| p.option(Postcard::u16), &mut tally[5]);
            agree::<Option<String>>(bytes, Postcard::opt_string, &mut tally[6]);
        }
        // Each reader both read and refused many sequences (a byte is refused only when absent).
        for (i, [read, refused]) in tally.iter().enumerate() {
            assert!(*read > 50 && *refused > if i == 0 { 0 } else { 50 }, "reader {i}: {read} read, {refused} refused");
        }
    }

    #[test]
    fn postcard_sequences_are_whole_and_counts_bounded() {
        let bytes = postcard::to_allocvec(&vec![String::from("a"), "é🙂".into(), String::new()]).unwrap();
        assert_eq!(Postcard::new(&bytes).all(1, Postcard::string).unwrap(), ["a", "é🙂", ""]);
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(Postcard::new(&longer).all(1, Postcard::string).unwrap_err(), "has bytes left over");
        // Three strings cannot fit in two bytes: refused before any memory is reserved.
        assert_eq!(
            Postcard::new(&[3, 0, 0]).all(1, Postcard::string).unwrap_err(),
            "claims more entries than it holds"
        );
        let mut huge = Vec::new();
        put_varint(&mut huge, u64::from(u32::MAX));
        assert_eq!(Postcard::new(&huge).all(1, Postcard::u8).unwrap_err(), "claims more entries than it holds");
        assert_eq!(
            Postcard::new(&[1, 2, 0xc3, 0x28]).all(1, Postcard::string).unwrap_err(),
            "has text that is not UTF-8"
        );
        assert_eq!(
            Postcard::new(&[1, 2, b'a']).all(1, Postcard::string).unwrap_err(),
            "claims more entries than it holds"
        );
        assert_eq!(Postcard::new(&[1, 5]).all(1, |p| p.take(2)).unwrap_err(), Postcard::TRUNCATED);
    }

    #[test]
    fn reads_past_the_end_are_none_not_panics() {
        let mut r = Reader::new(&[0x80, 0x80], 0);
        assert_eq!(r.varint(), None);
        assert_eq!(Reader::new(&[5, 0, 0, 0, 1], 0).section(), None);
        assert_eq!(Reader::new(&[1, 0, 0, 0, 9], 0).section(), Some(&[9u8][..]));
        assert_eq!(Reader::new(&[3, b'a'], 0).short_text(), None);
        assert_eq!(Reader::new(&[], 0).u16_le(), None);
    }
}
