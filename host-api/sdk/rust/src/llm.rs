//! Capability `llm`: chat completions whose cost the host reserves with the governor before the
//! call and charges after it. Runs only under a grant naming `llm` and the model.

use crate::error::check;
use crate::json::Value;
use crate::{sys, Error};
use std::fmt;

/// One chat message; roles are `system`, `user` and `assistant`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub role: String,
    pub content: String,
}

impl Message {
    pub fn system(content: &str) -> Message {
        Message { role: "system".to_string(), content: content.to_string() }
    }

    pub fn user(content: &str) -> Message {
        Message { role: "user".to_string(), content: content.to_string() }
    }

    pub fn assistant(content: &str) -> Message {
        Message { role: "assistant".to_string(), content: content.to_string() }
    }
}

/// A completion request; `max_tokens` at most the contract's `llm.maxOutputTokens`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub model: String,
    pub messages: Vec<Message>,
    pub max_tokens: u32,
}

impl Request {
    pub fn new(model: &str, messages: Vec<Message>, max_tokens: u32) -> Request {
        Request { model: model.to_string(), messages, max_tokens }
    }

    /// The request JSON the host reads.
    pub fn to_json(&self) -> String {
        let messages = self.messages.iter().map(|m| {
            Value::object([("role", Value::from(m.role.as_str())), ("content", Value::from(m.content.as_str()))])
        });
        Value::object([
            ("model", Value::from(self.model.as_str())),
            ("messages", Value::Array(messages.collect())),
            ("max_tokens", Value::from(i64::from(self.max_tokens))),
        ])
        .to_string()
    }
}

/// Tokens the provider reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Usage {
    pub input_tokens: i64,
    pub cached_input_tokens: i64,
    pub output_tokens: i64,
}

/// A completed call and what it cost, in micro-dollars.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub model: String,
    pub content: String,
    pub finish_reason: String,
    pub usage: Usage,
    pub cost_micros: i64,
    /// The least of the governor's tightest budget layer and the grant's cost cap, after the call.
    pub remaining_micros: i64,
}

/// A call the host refused or could not complete; nothing was spent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    /// [`Error::BudgetDenied`], [`Error::ModelNotAllowed`], [`Error::ProviderUnavailable`],
    /// [`Error::Timeout`], [`Error::Unavailable`], [`Error::RequestLimit`],
    /// [`Error::InvalidArgument`] or [`Error::Denied`].
    pub error: Error,
    pub message: String,
    /// Set when the refusal is about budget.
    pub remaining_micros: Option<i64>,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.error.name(), self.message)?;
        if let Some(remaining) = self.remaining_micros {
            write!(f, " (remaining {} micro-dollars)", remaining)?;
        }
        Ok(())
    }
}

impl std::error::Error for Refusal {}

impl From<Error> for Refusal {
    fn from(error: Error) -> Refusal {
        Refusal { error, message: String::new(), remaining_micros: None }
    }
}

/// Asks for one chat completion.
pub fn complete(request: &Request) -> Result<Completion, Refusal> {
    let json = request.to_json();
    let bytes = json.as_bytes();
    // SAFETY: the host reads `bytes.len()` bytes of a slice we own.
    let code = unsafe { sys::llm_complete(bytes.as_ptr(), sys::len(bytes)?) };
    match check(code) {
        Ok(len) => completion(&parse(&sys::take_result(len)?)?),
        Err(error) => Err(refusal(error, sys::take_pending().ok().and_then(|j| parse(&j).ok()))),
    }
}

fn parse(json: &[u8]) -> Result<Value, Error> {
    let text = std::str::from_utf8(json).map_err(|_| Error::InvalidArgument)?;
    Value::parse(text).map_err(|_| Error::InvalidArgument)
}

fn completion(value: &Value) -> Result<Completion, Refusal> {
    let text = |name: &str| value.get(name).and_then(Value::as_str).unwrap_or("").to_string();
    let number = |v: Option<&Value>| v.and_then(Value::as_i64).ok_or(Error::InvalidArgument);
    let usage = value.get("usage").ok_or(Error::InvalidArgument)?;
    Ok(Completion {
        model: text("model"),
        content: text("content"),
        finish_reason: text("finish_reason"),
        usage: Usage {
            input_tokens: number(usage.get("input_tokens"))?,
            cached_input_tokens: number(usage.get("cached_input_tokens"))?,
            output_tokens: number(usage.get("output_tokens"))?,
        },
        cost_micros: number(value.get("cost_micros"))?,
        remaining_micros: number(value.get("remaining_micros"))?,
    })
}

fn refusal(error: Error, json: Option<Value>) -> Refusal {
    let json = json.unwrap_or(Value::Null);
    Refusal {
        error,
        message: json.get("message").and_then(Value::as_str).unwrap_or("").to_string(),
        remaining_micros: json.get("remaining_micros").and_then(Value::as_i64),
    }
}

#[cfg(test)]
mod tests {
    use super::{completion, refusal, Message, Request};
    use crate::json::Value;
    use crate::Error;

    #[test]
    fn writes_the_request_json_the_host_reads() {
        let request = Request::new("gpt-4o-mini", vec![Message::user("Hi")], 64);
        assert_eq!(
            request.to_json(),
            r#"{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hi"}],"max_tokens":64}"#
        );
    }

    #[test]
    fn reads_completions_and_refusals() {
        let json = r#"{"model":"m","content":"c","finish_reason":"stop","usage":{"input_tokens":3,
            "cached_input_tokens":0,"output_tokens":2},"cost_micros":5,"remaining_micros":95}"#;
        let done = completion(&Value::parse(json).unwrap()).unwrap();
        assert_eq!((done.content.as_str(), done.cost_micros, done.remaining_micros), ("c", 5, 95));
        let denied = Value::parse(r#"{"error":"BUDGET_DENIED","message":"no","remaining_micros":7}"#);
        let refused = refusal(Error::BudgetDenied, denied.ok());
        assert_eq!(refused.remaining_micros, Some(7));
        assert_eq!(refused.to_string(), "BUDGET_DENIED: no (remaining 7 micro-dollars)");
    }
}
