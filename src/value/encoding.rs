//! Node's Buffer encodings for turning bytes into text: `utf8` (invalid sequences
//! become U+FFFD), `hex`, `base64`, `base64url`, `latin1`/`binary`, `ascii`,
//! `utf16le`/`ucs2`, whole buffers at a time. The streaming decoder (Node's
//! `StringDecoder`, which holds back a character split across chunks) is
//! [`crate::io::decode::Decoder`].

/// The canonical name of an encoding, or `None` if Node does not know it.
pub fn normalize(name: &str) -> Option<&'static str> {
    Some(match name.to_ascii_lowercase().as_str() {
        "utf8" | "utf-8" => "utf8",
        "hex" => "hex",
        "base64" => "base64",
        "base64url" => "base64url",
        "latin1" | "binary" => "latin1",
        "ascii" => "ascii",
        "utf16le" | "utf-16le" | "ucs2" | "ucs-2" => "utf16le",
        _ => return None,
    })
}

/// Decodes a whole buffer; `enc` must come from [`normalize`].
pub fn decode(bytes: &[u8], enc: &str) -> String {
    match enc {
        "hex" => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        "base64" => base64(bytes, false),
        "base64url" => base64(bytes, true),
        "latin1" => bytes.iter().map(|&b| b as char).collect(),
        "ascii" => bytes.iter().map(|&b| (b & 0x7f) as char).collect(),
        "utf16le" => {
            let units: Vec<u16> = bytes.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
            String::from_utf16_lossy(&units)
        }
        _ => String::from_utf8_lossy(bytes).into_owned(),
    }
}

/// Text to bytes, as `Buffer.from(text, enc)`; `enc` must come from [`normalize`].
/// Like Node, hex stops at the first pair that is not hex, and base64 accepts both
/// alphabets and skips anything else (whitespace, padding).
pub fn encode(text: &str, enc: &str) -> Vec<u8> {
    match enc {
        "hex" => {
            let digits: Vec<u8> = text.bytes().collect();
            digits
                .chunks_exact(2)
                .map_while(|p| {
                    let h = (p[0] as char).to_digit(16)?;
                    let l = (p[1] as char).to_digit(16)?;
                    Some((h * 16 + l) as u8)
                })
                .collect()
        }
        "base64" | "base64url" => {
            let sextets: Vec<u32> = text
                .bytes()
                .map_while(|c| if c == b'=' { None } else { Some(c) })
                .filter_map(|c| match c {
                    b'A'..=b'Z' => Some((c - b'A') as u32),
                    b'a'..=b'z' => Some((c - b'a' + 26) as u32),
                    b'0'..=b'9' => Some((c - b'0' + 52) as u32),
                    b'+' | b'-' => Some(62),
                    b'/' | b'_' => Some(63),
                    _ => None,
                })
                .collect();
            let mut out = Vec::with_capacity(sextets.len() * 3 / 4);
            for group in sextets.chunks(4) {
                let n = group.iter().enumerate().fold(0u32, |n, (i, &s)| n | s << (18 - 6 * i));
                let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
                out.extend_from_slice(&bytes[..(group.len() * 6 / 8)]);
            }
            out
        }
        "latin1" | "ascii" => text.chars().map(|c| c as u32 as u8).collect(),
        "utf16le" => text.encode_utf16().flat_map(|u| u.to_le_bytes()).collect(),
        _ => text.as_bytes().to_vec(),
    }
}

// Slices by byte index are safe here: `"=="` is ASCII.
#[allow(clippy::string_slice)]
fn base64(bytes: &[u8], url: bool) -> String {
    let table: &[u8; 64] = if url {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    } else {
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    };
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for group in bytes.chunks(3) {
        let n = group.iter().enumerate().fold(0u32, |n, (i, &b)| n | (b as u32) << (16 - 8 * i));
        for i in 0..=group.len() {
            out.push(table[(n >> (18 - 6 * i)) as usize & 63] as char);
        }
        if !url {
            out.push_str(&"=="[..3 - group.len()]);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_buffers() {
        assert_eq!(decode(b"hi\xff", "utf8"), "hi\u{fffd}");
        assert_eq!(decode(b"\x01\xab", "hex"), "01ab");
        assert_eq!(decode(b"hello", "base64"), "aGVsbG8=");
        assert_eq!(decode(b"\xfb\xff", "base64url"), "-_8");
        assert_eq!(decode(b"\xe9", "latin1"), "é");
        assert_eq!(normalize("UTF-8"), Some("utf8"));
        assert_eq!(normalize("bogus"), None);
    }

    #[test]
    fn text_to_bytes() {
        assert_eq!(encode("68690a", "hex"), b"hi\n");
        assert_eq!(encode("6869zz61", "hex"), b"hi");
        assert_eq!(encode("aGVsbG8=", "base64"), b"hello");
        assert_eq!(encode("aGVsbG8", "base64"), b"hello");
        assert_eq!(encode("-_8", "base64url"), b"\xfb\xff");
        assert_eq!(encode("é", "latin1"), b"\xe9");
        assert_eq!(encode("é", "utf8"), "é".as_bytes());
        for text in ["", "a", "ab", "abc", "abcd", "\u{1F600} mixed"] {
            assert_eq!(encode(&decode(text.as_bytes(), "base64"), "base64"), text.as_bytes());
        }
    }
}
