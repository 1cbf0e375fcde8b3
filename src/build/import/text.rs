//! Bytes → text, as files actually arrive: UTF-8 with or without a BOM, or Windows-1252
//! (the GIAS download). Line endings are left to the CSV reader, which takes CRLF and LF.

use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::limits::{self, MAX_INPUT_BYTES, MAX_LINE_BYTES};

/// Checks the raw bytes of a CSV file before anything is decoded or parsed, so that a file
/// that cannot be one fails at once with a message that says what it is instead: too large
/// ([`MAX_INPUT_BYTES`]), binary (a spreadsheet workbook, a compressed or UTF-16 file), or
/// with a line longer than [`MAX_LINE_BYTES`] (not rows of text). Lines end at `\n` or `\r`.
pub fn check_csv_bytes(file: &str, bytes: &[u8]) -> Result<()> {
    limits::check_size(file, bytes.len() as u64, MAX_INPUT_BYTES, "MAX_INPUT_BYTES")?;
    let not_csv =
        |what: &str| Error::Csv { file: file.to_string(), reason: format!("this is not a CSV text file: {what}") };
    if bytes.starts_with(b"PK\x03\x04") {
        return Err(not_csv("it is a zip file, such as an Excel workbook (save it as CSV)"));
    }
    if bytes.starts_with(&[0x1f, 0x8b]) || bytes.starts_with(b"\xFD7zXZ\0") {
        return Err(not_csv("it is compressed (decompress it first, or name it .gz or .xz)"));
    }
    if bytes[..bytes.len().min(8192)].contains(&0) {
        return Err(not_csv("it holds NUL bytes (binary data, or text saved as UTF-16: save it as CSV UTF-8)"));
    }
    let too_long = |line: u64, length: usize| Error::TooLarge {
        what: format!("{file}: line {line}"),
        found: format!("{length} bytes"),
        limit: format!("{MAX_LINE_BYTES} bytes a line"),
        cap: "MAX_LINE_BYTES",
    };
    let (mut line, mut start) = (1u64, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' || b == b'\r' {
            if i - start > MAX_LINE_BYTES {
                return Err(too_long(line, i - start));
            }
            // CRLF is one line break.
            if !(b == b'\r' && bytes.get(i + 1) == Some(&b'\n')) {
                line += 1;
            }
            start = i + 1;
        }
    }
    if bytes.len() - start > MAX_LINE_BYTES {
        return Err(too_long(line, bytes.len() - start));
    }
    Ok(())
}

/// Decodes a whole file. UTF-8 (BOM stripped) when valid, else Windows-1252, which maps every
/// byte to a character, so this never fails and never loses a row.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => {
            let (text, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            text
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_bom() {
        assert_eq!(decode(b"\xEF\xBB\xBFurn,name"), "urn,name");
    }

    mod checks {
        use super::*;

        #[test]
        fn ordinary_csv_passes() {
            assert!(check_csv_bytes("a.csv", b"urn,name\r\n1,\"A, B\"\n").is_ok());
            assert!(check_csv_bytes("a.csv", b"").is_ok());
        }

        #[test]
        fn binary_files_say_what_they_are() {
            let reason = |bytes: &[u8]| check_csv_bytes("a.csv", bytes).unwrap_err().to_string();
            assert!(reason(b"PK\x03\x04rest").contains("Excel workbook"));
            assert!(reason(&[0x1f, 0x8b, 8, 0]).contains("compressed"));
            assert!(reason(b"u\0r\0n\0").contains("UTF-16"));
        }

        #[test]
        fn a_line_over_the_cap_is_refused_with_its_number() {
            let mut bytes = b"urn,name\n1,a\r\n".to_vec();
            bytes.extend(std::iter::repeat_n(b',', MAX_LINE_BYTES + 1));
            let err = check_csv_bytes("a.csv", &bytes).unwrap_err();
            assert!(
                matches!(&err, Error::TooLarge { what, cap: "MAX_LINE_BYTES", .. } if what == "a.csv: line 3"),
                "{err}"
            );
        }
    }

    #[test]
    fn windows_1252_when_not_utf8() {
        // 0xE9 is é in Windows-1252 and invalid on its own in UTF-8; 0x92 is a curly apostrophe.
        assert_eq!(decode(b"Caf\xE9 St John\x92s"), "Café St John\u{2019}s");
    }
}
