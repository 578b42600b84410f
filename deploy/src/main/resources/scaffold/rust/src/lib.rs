//! ${name}: an InfraFabric tool. Input {"name": "..."}; output {"greeting": "Hello, ...!"}.
//! The SDK's documentation is in sdk/infrafabric/lib.rs; the ABI in the contract's capabilities.

use infrafabric::json::Value;
use infrafabric::log;

fn greeting(name: &str) -> String {
    format!("Hello, {}!", name)
}

fn handle(input: String) -> Result<String, String> {
    let input = Value::parse(&input).map_err(|e| e.to_string())?;
    let name = input.get("name").and_then(Value::as_str).unwrap_or("world");
    log::info(&format!("greeting {}", name)).map_err(|e| e.to_string())?;
    Ok(Value::object([("greeting", Value::from(greeting(name)))]).to_string())
}

infrafabric::entry!(handle);

#[cfg(test)]
mod tests {
    #[test]
    fn greets_by_name() {
        assert_eq!(super::greeting("Ada"), "Hello, Ada!");
    }
}
