//! http_fetch: fetches {"url": "...", "credential": "name"} with GET, the operator's credential
//! injected by the host, and outputs {"status": n, "body": "..."}. The tool never sees the
//! secret. Capabilities: io, http with http.credentials (and wasi, for Rust's std); invoked under
//! a grant that names the credential.

use infrafabric::http::{self, Request};
use infrafabric::json::Value;

fn handle(input: String) -> Result<String, String> {
    let input = Value::parse(&input).map_err(|e| e.to_string())?;
    let field = |name: &str| {
        input.get(name).and_then(Value::as_str).ok_or(format!("input needs a string \"{}\"", name))
    };
    let request = Request::get(field("url")?).header("accept", "application/json");
    let response = http::send_with_credential(field("credential")?, &request)
        .map_err(|e| format!("fetch failed: {}", e))?;
    let output = Value::object([
        ("status", Value::from(i64::from(response.status))),
        ("body", Value::from(response.body)),
    ]);
    Ok(output.to_string())
}

infrafabric::entry!(handle);
