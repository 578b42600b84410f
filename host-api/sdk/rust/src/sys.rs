//! The raw imports of module `infrafabric` (ABI version 1). Everything `unsafe` in the SDK is
//! here and in the safe wrappers that pass these functions their own buffers.
//!
//! Outside WebAssembly there is no host: every function answers `UNAVAILABLE` (-7), so that a
//! tool's pure logic can be unit-tested natively (`rustc --test`) without linking errors.

#[cfg(target_arch = "wasm32")]
#[link(wasm_import_module = "infrafabric")]
extern "C" {
    pub fn input_size() -> i32;
    pub fn input_read(ptr: *mut u8, len: i32) -> i32;
    pub fn output_write(ptr: *const u8, len: i32) -> i32;
    pub fn result_read(ptr: *mut u8, len: i32) -> i32;
    pub fn log(level: i32, ptr: *const u8, len: i32) -> i32;
    pub fn kv_get(key_ptr: *const u8, key_len: i32) -> i32;
    pub fn kv_put(key_ptr: *const u8, key_len: i32, val_ptr: *const u8, val_len: i32) -> i32;
    pub fn kv_delete(key_ptr: *const u8, key_len: i32) -> i32;
    pub fn kv_list(prefix_ptr: *const u8, prefix_len: i32) -> i32;
    pub fn http_request(req_ptr: *const u8, req_len: i32) -> i32;
    pub fn http_request_with_credential(
        name_ptr: *const u8,
        name_len: i32,
        req_ptr: *const u8,
        req_len: i32,
    ) -> i32;
    pub fn llm_complete(req_ptr: *const u8, req_len: i32) -> i32;
}

#[cfg(not(target_arch = "wasm32"))]
mod native {
    const UNAVAILABLE: i32 = -7;
    pub unsafe fn input_size() -> i32 { UNAVAILABLE }
    pub unsafe fn input_read(_: *mut u8, _: i32) -> i32 { UNAVAILABLE }
    pub unsafe fn output_write(_: *const u8, _: i32) -> i32 { UNAVAILABLE }
    pub unsafe fn result_read(_: *mut u8, _: i32) -> i32 { UNAVAILABLE }
    pub unsafe fn log(_: i32, _: *const u8, _: i32) -> i32 { UNAVAILABLE }
    pub unsafe fn kv_get(_: *const u8, _: i32) -> i32 { UNAVAILABLE }
    pub unsafe fn kv_put(_: *const u8, _: i32, _: *const u8, _: i32) -> i32 { UNAVAILABLE }
    pub unsafe fn kv_delete(_: *const u8, _: i32) -> i32 { UNAVAILABLE }
    pub unsafe fn kv_list(_: *const u8, _: i32) -> i32 { UNAVAILABLE }
    pub unsafe fn http_request(_: *const u8, _: i32) -> i32 { UNAVAILABLE }
    pub unsafe fn http_request_with_credential(_: *const u8, _: i32, _: *const u8, _: i32) -> i32 {
        UNAVAILABLE
    }
    pub unsafe fn llm_complete(_: *const u8, _: i32) -> i32 { UNAVAILABLE }
}

#[cfg(not(target_arch = "wasm32"))]
pub use native::*;

/// A slice's length as the ABI's `i32`; a slice of 2 GiB or more cannot be passed.
pub fn len(bytes: &[u8]) -> Result<i32, crate::Error> {
    i32::try_from(bytes.len()).map_err(|_| crate::Error::TooLarge)
}

/// Copies the pending result of the last producing call, whose length it returned.
pub fn take_result(len: usize) -> Result<Vec<u8>, crate::Error> {
    let mut buffer = vec![0u8; len];
    let size = i32::try_from(len).map_err(|_| crate::Error::TooLarge)?;
    // SAFETY: the host writes at most `size` bytes into the buffer we own.
    let copied = crate::error::check(unsafe { result_read(buffer.as_mut_ptr(), size) })?;
    buffer.truncate(copied);
    Ok(buffer)
}

/// Copies a pending result whose length the producing call did not return (the error JSON
/// beside a negative `llm_complete`), growing the buffer while the host answers
/// `BUFFER_TOO_SMALL`, up to 1 MiB.
pub fn take_pending() -> Result<Vec<u8>, crate::Error> {
    let mut size = 4096;
    loop {
        match take_result(size) {
            Err(crate::Error::BufferTooSmall) if size < (1 << 20) => size *= 4,
            other => return other,
        }
    }
}
