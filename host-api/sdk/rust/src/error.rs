//! The ABI's error codes as a Rust error type.

use std::fmt;

/// A negative result of a host function. The codes are part of ABI version 1 and never change
/// meaning; a code this SDK does not know yet arrives as [`Error::Unknown`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Error {
    /// A malformed argument: a bad key, a bad log level, invalid JSON (-1).
    InvalidArgument,
    /// No such key, or no such credential in the vault (-2).
    NotFound,
    /// The destination buffer was too small; nothing was copied (-3).
    BufferTooSmall,
    /// A kv quota would be exceeded; nothing was stored (-4).
    QuotaExceeded,
    /// Not allowed: the destination, a header, or a capability the invocation's grant lacks (-5).
    Denied,
    /// An outbound operation timed out (-6).
    Timeout,
    /// A backend or peer could not be reached; retrying later may work (-7).
    Unavailable,
    /// A response exceeded its cap and was discarded (-8).
    TooLarge,
    /// The per-invocation count of requests or model calls is used up (-9).
    RequestLimit,
    /// `result_read` with no pending result (-10).
    NoResult,
    /// No budget for the model call; nothing was spent (-11).
    BudgetDenied,
    /// The model is not in both the contract's and the grant's lists (-12).
    ModelNotAllowed,
    /// The credential is not granted, or not for that destination (-13).
    CredentialNotGranted,
    /// The model provider failed or its breaker is open; nothing was spent (-14).
    ProviderUnavailable,
    /// A negative code this version of the SDK does not name.
    Unknown(i32),
}

const NAMED: [(Error, i32, &str); 14] = [
    (Error::InvalidArgument, -1, "INVALID_ARGUMENT"),
    (Error::NotFound, -2, "NOT_FOUND"),
    (Error::BufferTooSmall, -3, "BUFFER_TOO_SMALL"),
    (Error::QuotaExceeded, -4, "QUOTA_EXCEEDED"),
    (Error::Denied, -5, "DENIED"),
    (Error::Timeout, -6, "TIMEOUT"),
    (Error::Unavailable, -7, "UNAVAILABLE"),
    (Error::TooLarge, -8, "TOO_LARGE"),
    (Error::RequestLimit, -9, "REQUEST_LIMIT"),
    (Error::NoResult, -10, "NO_RESULT"),
    (Error::BudgetDenied, -11, "BUDGET_DENIED"),
    (Error::ModelNotAllowed, -12, "MODEL_NOT_ALLOWED"),
    (Error::CredentialNotGranted, -13, "CREDENTIAL_NOT_GRANTED"),
    (Error::ProviderUnavailable, -14, "PROVIDER_UNAVAILABLE"),
];

impl Error {
    /// The error a negative host result stands for.
    pub fn from_code(code: i32) -> Error {
        NAMED.iter().find(|(_, c, _)| *c == code).map(|(e, _, _)| *e).unwrap_or(Error::Unknown(code))
    }

    /// The ABI code, e.g. -11 for [`Error::BudgetDenied`].
    pub fn code(self) -> i32 {
        match self {
            Error::Unknown(code) => code,
            known => NAMED.iter().find(|(e, _, _)| *e == known).map(|(_, c, _)| *c).expect("named"),
        }
    }

    /// The ABI name, e.g. `BUDGET_DENIED`, as the host writes it in error JSON.
    pub fn name(self) -> &'static str {
        NAMED.iter().find(|(e, _, _)| *e == self).map(|(_, _, n)| *n).unwrap_or("UNKNOWN")
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name(), self.code())
    }
}

impl std::error::Error for Error {}

/// What a host function returned: a count on success, an [`Error`] otherwise.
pub(crate) fn check(result: i32) -> Result<usize, Error> {
    if result < 0 {
        Err(Error::from_code(result))
    } else {
        Ok(result as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::Error;

    #[test]
    fn every_code_maps_both_ways() {
        for code in -14..=-1 {
            let error = Error::from_code(code);
            assert_ne!(error, Error::Unknown(code));
            assert_eq!(error.code(), code);
        }
        assert_eq!(Error::from_code(-99), Error::Unknown(-99));
        assert_eq!(Error::BudgetDenied.to_string(), "BUDGET_DENIED (-11)");
    }
}
