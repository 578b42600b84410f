//! llm_summarize: summarizes {"text": "...", "model": "..."} with one chat completion and outputs
//! {"summary": "...", "source": "model", "cost_micros": n, "remaining_micros": n}. When the budget
//! has no room for the call (BUDGET_DENIED) it still answers, with the text's first sentence and
//! "source": "extractive": nothing was spent. Capabilities: io, llm (and wasi, for Rust's std);
//! invoked under a grant.

use infrafabric::json::Value;
use infrafabric::llm::{self, Message, Request};
use infrafabric::Error;

const MAX_TOKENS: u32 = 128;

/// The first sentence (up to and including the first '.', '!' or '?'), or the whole text.
fn first_sentence(text: &str) -> &str {
    match text.find(|c| c == '.' || c == '!' || c == '?') {
        Some(end) => &text[..=end],
        None => text,
    }
}

fn handle(input: String) -> Result<String, String> {
    let input = Value::parse(&input).map_err(|e| e.to_string())?;
    let text = input.get("text").and_then(Value::as_str).ok_or("input needs a string \"text\"")?;
    let model = input.get("model").and_then(Value::as_str).unwrap_or("gpt-4o-mini");
    let request = Request::new(
        model,
        vec![Message::system("Summarize in one sentence."), Message::user(text)],
        MAX_TOKENS,
    );
    let output = match llm::complete(&request) {
        Ok(done) => Value::object([
            ("summary", Value::from(done.content)),
            ("source", Value::from("model")),
            ("cost_micros", Value::from(done.cost_micros)),
            ("remaining_micros", Value::from(done.remaining_micros)),
        ]),
        Err(refusal) if refusal.error == Error::BudgetDenied => Value::object([
            ("summary", Value::from(first_sentence(text))),
            ("source", Value::from("extractive")),
            ("remaining_micros", refusal.remaining_micros.map_or(Value::Null, Value::from)),
        ]),
        Err(refusal) => return Err(refusal.to_string()),
    };
    Ok(output.to_string())
}

infrafabric::entry!(handle);

#[cfg(test)]
mod tests {
    #[test]
    fn the_fallback_is_the_first_sentence() {
        assert_eq!(super::first_sentence("Rates rose. Then fell."), "Rates rose.");
        assert_eq!(super::first_sentence("no end"), "no end");
    }
}
