//! The byte-level pieces both binary formats use (the dataset file, `dataset.rs`, and the
//! postcode shards, `postcode.rs`): LEB128 varints, zigzag for signed deltas, and a
//! bounds-checked reader that returns `None` past the end instead of panicking.

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

#[cfg(test)]
mod tests {
    use super::*;

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
