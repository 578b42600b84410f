//! word_count: counts the words of its JSON input, keeps a running total per tenant in kv, and
//! outputs {"words":N,"total":T}. Capabilities: io, log, kv (and wasi, for Rust's std).

use infrafabric::{kv, log, Error};

/// Words are runs of ASCII letters, digits and non-ASCII bytes, as the C example counts them.
fn count_words(text: &str) -> u64 {
    let mut words = 0;
    let mut in_word = false;
    for byte in text.bytes() {
        let letter = byte.is_ascii_alphanumeric() || byte >= 0x80;
        if letter && !in_word {
            words += 1;
        }
        in_word = letter;
    }
    words
}

fn handle(input: String) -> Result<String, Error> {
    let words = count_words(&input);
    let before = kv::get("total")?
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.parse::<u64>().ok())
        .unwrap_or(0);
    let total = before + words;
    match kv::put("total", total.to_string()) {
        Err(Error::QuotaExceeded) => log::warn("kv quota reached; total not saved")?,
        other => other?,
    }
    Ok(format!("{{\"words\":{},\"total\":{}}}", words, total))
}

infrafabric::entry!(handle);

#[cfg(test)]
mod tests {
    #[test]
    fn counts_runs_of_letters() {
        assert_eq!(super::count_words("\"one two, three\""), 3);
        assert_eq!(super::count_words("\"\""), 0);
    }
}
