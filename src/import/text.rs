//! Bytes → text, as files actually arrive: UTF-8 with or without a BOM, or Windows-1252
//! (the GIAS download). Line endings are left to the CSV reader, which takes CRLF and LF.

use std::borrow::Cow;

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

    #[test]
    fn windows_1252_when_not_utf8() {
        // 0xE9 is é in Windows-1252 and invalid on its own in UTF-8; 0x92 is a curly apostrophe.
        assert_eq!(decode(b"Caf\xE9 St John\x92s"), "Café St John\u{2019}s");
    }
}
