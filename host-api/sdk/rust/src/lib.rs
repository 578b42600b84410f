//! The InfraFabric tool SDK for Rust: safe wrappers for every host function of ABI version 1
//! (import module `infrafabric`), typed errors, and an entry macro, so that a tool is plain,
//! safe Rust.
//!
//! ```ignore
//! fn handle(input: String) -> Result<String, infrafabric::Error> {
//!     infrafabric::log::info("hello")?;
//!     Ok(input)
//! }
//! infrafabric::entry!(handle);
//! ```
//!
//! Build with Debian's `rustc` for `wasm32-wasi` (see `build.sh`). The Rust standard library on
//! that target imports a few WASI functions (`fd_write` for panic messages, `environ_*`,
//! `proc_exit`), so a Rust tool's contract grants `wasi` beside the capabilities it uses; panic
//! messages then reach the tool's log through stderr.

mod error;
pub mod json;
mod sys;

pub use error::Error;

/// The result of a host call.
pub type Result<T> = std::result::Result<T, Error>;

/// Capability `io`: the invocation's input and output.
pub mod io {
    use crate::{error::check, sys, Result};

    /// The whole JSON input of the invocation.
    pub fn input() -> Result<Vec<u8>> {
        // SAFETY: no arguments.
        let size = check(unsafe { sys::input_size() })?;
        let mut buffer = vec![0u8; size];
        // SAFETY: the host writes at most `size` bytes into the buffer we own.
        let read = check(unsafe { sys::input_read(buffer.as_mut_ptr(), sys::len(&buffer)?) })?;
        buffer.truncate(read);
        Ok(buffer)
    }

    /// The input as text; invalid UTF-8 is [`crate::Error::InvalidArgument`].
    pub fn input_string() -> Result<String> {
        String::from_utf8(input()?).map_err(|_| crate::Error::InvalidArgument)
    }

    /// Appends to the output. Past the contract's `output.maxBytes` the host stops the tool
    /// (outcome `OUTPUT_LIMIT`).
    pub fn output(bytes: impl AsRef<[u8]>) -> Result<()> {
        let bytes = bytes.as_ref();
        // SAFETY: the host reads `bytes.len()` bytes of a slice we own.
        check(unsafe { sys::output_write(bytes.as_ptr(), sys::len(bytes)?) }).map(|_| ())
    }
}

/// Capability `log`: messages tagged with the tool and invocation, bounded by `log.maxBytes`.
pub mod log {
    use crate::{error::check, sys, Result};

    /// Levels of the ABI, by their numeric value.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    pub enum Level {
        Debug = 0,
        Info = 1,
        Warn = 2,
        Error = 3,
    }

    /// Logs `message` at `level`. Past the log limit the host stops the tool (`LOG_LIMIT`).
    pub fn log(level: Level, message: &str) -> Result<()> {
        let bytes = message.as_bytes();
        // SAFETY: the host reads `bytes.len()` bytes of a slice we own.
        check(unsafe { sys::log(level as i32, bytes.as_ptr(), sys::len(bytes)?) }).map(|_| ())
    }

    pub fn debug(message: &str) -> Result<()> {
        log(Level::Debug, message)
    }

    pub fn info(message: &str) -> Result<()> {
        log(Level::Info, message)
    }

    pub fn warn(message: &str) -> Result<()> {
        log(Level::Warn, message)
    }

    pub fn error(message: &str) -> Result<()> {
        log(Level::Error, message)
    }
}

/// Capability `kv`: a namespace per tenant and tool. Keys are 1 to 256 bytes of visible ASCII.
pub mod kv {
    use crate::{error::check, json::Value, sys, Error, Result};

    /// The value of `key`, or `None` if it is not stored.
    pub fn get(key: &str) -> Result<Option<Vec<u8>>> {
        let key = key.as_bytes();
        // SAFETY: the host reads `key.len()` bytes of a slice we own.
        match check(unsafe { sys::kv_get(key.as_ptr(), sys::len(key)?) }) {
            Ok(len) => sys::take_result(len).map(Some),
            Err(Error::NotFound) => Ok(None),
            Err(other) => Err(other),
        }
    }

    /// Stores `value` under `key`; [`Error::QuotaExceeded`] stores nothing.
    pub fn put(key: &str, value: impl AsRef<[u8]>) -> Result<()> {
        let (key, value) = (key.as_bytes(), value.as_ref());
        // SAFETY: the host reads both slices we own, each within its length.
        let code = unsafe {
            sys::kv_put(key.as_ptr(), sys::len(key)?, value.as_ptr(), sys::len(value)?)
        };
        check(code).map(|_| ())
    }

    /// Removes `key`; `false` if it was not stored.
    pub fn delete(key: &str) -> Result<bool> {
        let key = key.as_bytes();
        // SAFETY: the host reads `key.len()` bytes of a slice we own.
        match check(unsafe { sys::kv_delete(key.as_ptr(), sys::len(key)?) }) {
            Ok(_) => Ok(true),
            Err(Error::NotFound) => Ok(false),
            Err(other) => Err(other),
        }
    }

    /// The keys starting with `prefix` (empty for all), sorted.
    pub fn list(prefix: &str) -> Result<Vec<String>> {
        let prefix = prefix.as_bytes();
        // SAFETY: the host reads `prefix.len()` bytes of a slice we own.
        let len = check(unsafe { sys::kv_list(prefix.as_ptr(), sys::len(prefix)?) })?;
        let json = String::from_utf8(sys::take_result(len)?).map_err(|_| Error::InvalidArgument)?;
        let keys = Value::parse(&json).map_err(|_| Error::InvalidArgument)?;
        let keys = keys.as_array().ok_or(Error::InvalidArgument)?;
        keys.iter().map(|k| k.as_str().map(str::to_string).ok_or(Error::InvalidArgument)).collect()
    }
}

pub mod http;
pub mod llm;

/// Runs a tool's handler as the module's `run` export: used through [`entry!`].
#[doc(hidden)]
pub fn __run<T, E>(handler: impl FnOnce(String) -> std::result::Result<T, E>) -> i32
where
    T: AsRef<[u8]>,
    E: std::fmt::Display,
{
    let result = match io::input_string() {
        Ok(input) => handler(input).map_err(|e| e.to_string()),
        Err(e) => Err(format!("cannot read the input: {}", e)),
    };
    match result {
        Ok(output) => match io::output(output) {
            Ok(()) => 0,
            Err(_) => 1,
        },
        Err(message) => {
            let error = json::Value::object([("error", json::Value::from(message))]);
            let _ = io::output(error.to_string());
            1
        }
    }
}

/// Exports `handler` as the tool's entry point `run`: it receives the input as text; what it
/// returns in `Ok` becomes the output (status 0, outcome `SUCCESS`); an `Err` becomes the output
/// `{"error": "<the error's Display>"}` with status 1 (outcome `TOOL_ERROR`). The handler is
/// `fn(String) -> Result<impl AsRef<[u8]>, impl Display>`.
#[macro_export]
macro_rules! entry {
    ($handler:path) => {
        #[cfg(target_arch = "wasm32")]
        #[no_mangle]
        pub extern "C" fn run() -> i32 {
            $crate::__run($handler)
        }

        /// Natively there is no `run` export; this keeps the handler referenced for unit tests.
        #[cfg(not(target_arch = "wasm32"))]
        #[allow(dead_code)]
        fn run() -> i32 {
            $crate::__run($handler)
        }
    };
}
