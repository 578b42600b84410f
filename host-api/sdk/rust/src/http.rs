//! Capability `http`: outbound requests to the contract's allow-list, optionally with an operator
//! credential the host injects (the tool never sees the secret).

use crate::error::check;
use crate::json::Value;
use crate::{sys, Error, Result};

/// An outbound request. The host refuses `Host`, hop-by-hop, framing and `Forwarded` headers
/// ([`Error::Denied`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
}

impl Request {
    /// A request with `method` (GET, HEAD, POST, PUT, PATCH, DELETE or OPTIONS) to `url`.
    pub fn new(method: &str, url: &str) -> Request {
        Request { method: method.to_string(), url: url.to_string(), headers: Vec::new(), body: None }
    }

    pub fn get(url: &str) -> Request {
        Request::new("GET", url)
    }

    pub fn post(url: &str, body: &str) -> Request {
        Request::new("POST", url).body(body)
    }

    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn body(mut self, text: &str) -> Request {
        self.body = Some(text.to_string());
        self
    }

    /// The request JSON the host reads.
    pub fn to_json(&self) -> String {
        let headers = self.headers.iter().map(|(n, v)| (n.clone(), Value::from(v.as_str())));
        let mut members = vec![
            ("method".to_string(), Value::from(self.method.as_str())),
            ("url".to_string(), Value::from(self.url.as_str())),
            ("headers".to_string(), Value::Object(headers.collect())),
        ];
        if let Some(body) = &self.body {
            members.push(("body".to_string(), Value::from(body.as_str())));
        }
        Value::Object(members).to_string()
    }
}

/// A response: header names are lowercase, repeated values joined with `", "`, the body decoded
/// as UTF-8. With a credential, its secret is redacted (`[REDACTED]`) from headers and body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    /// The value of header `name` (any case), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        let name = name.to_ascii_lowercase();
        self.headers.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str())
    }

    fn parse(json: &[u8]) -> Result<Response> {
        let text = std::str::from_utf8(json).map_err(|_| Error::InvalidArgument)?;
        let value = Value::parse(text).map_err(|_| Error::InvalidArgument)?;
        let status = value.get("status").and_then(Value::as_i64).ok_or(Error::InvalidArgument)?;
        let headers = value.get("headers").and_then(Value::as_object).unwrap_or(&[]);
        Ok(Response {
            status: u16::try_from(status).map_err(|_| Error::InvalidArgument)?,
            headers: headers
                .iter()
                .filter_map(|(n, v)| v.as_str().map(|v| (n.clone(), v.to_string())))
                .collect(),
            body: value.get("body").and_then(Value::as_str).unwrap_or("").to_string(),
        })
    }
}

/// Sends `request`. Errors: [`Error::Denied`] (destination or header not allowed),
/// [`Error::Timeout`], [`Error::TooLarge`], [`Error::RequestLimit`], [`Error::Unavailable`].
pub fn send(request: &Request) -> Result<Response> {
    let json = request.to_json();
    let bytes = json.as_bytes();
    // SAFETY: the host reads `bytes.len()` bytes of a slice we own.
    let len = check(unsafe { sys::http_request(bytes.as_ptr(), sys::len(bytes)?) })?;
    Response::parse(&sys::take_result(len)?)
}

/// Sends `request` with the operator's credential `name` added by the host. Needs the credential
/// in the contract's `http.credentials` and in the invocation's grant
/// ([`Error::CredentialNotGranted`] otherwise), and stored in the vault ([`Error::NotFound`]).
pub fn send_with_credential(name: &str, request: &Request) -> Result<Response> {
    let json = request.to_json();
    let (name, bytes) = (name.as_bytes(), json.as_bytes());
    // SAFETY: the host reads both slices we own, each within its length.
    let code = unsafe {
        sys::http_request_with_credential(
            name.as_ptr(),
            sys::len(name)?,
            bytes.as_ptr(),
            sys::len(bytes)?,
        )
    };
    Response::parse(&sys::take_result(check(code)?)?)
}

#[cfg(test)]
mod tests {
    use super::{Request, Response};

    #[test]
    fn writes_the_request_json_the_host_reads() {
        let request = Request::post("https://api.example.com:443/x", "hi").header("accept", "a\"b");
        assert_eq!(
            request.to_json(),
            r#"{"method":"POST","url":"https://api.example.com:443/x","headers":{"accept":"a\"b"},"body":"hi"}"#
        );
    }

    #[test]
    fn reads_the_response_json_the_host_writes() {
        let json = br#"{"status":200,"headers":{"content-type":"text/plain"},"body":"ok"}"#;
        let response = Response::parse(json).unwrap();
        assert_eq!(response.status, 200);
        assert_eq!(response.header("Content-Type"), Some("text/plain"));
        assert_eq!(response.body, "ok");
    }
}
