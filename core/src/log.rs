//! The logging shim: forwards to `defmt` when the `defmt` feature is on and
//! compiles to nothing otherwise. Only status codes, counters and field
//! names are ever logged — never personal data or credentials.

#[cfg(feature = "defmt")]
macro_rules! log_debug {
    ($($arg:tt)*) => { defmt::debug!($($arg)*) };
}

#[cfg(not(feature = "defmt"))]
macro_rules! log_debug {
    ($($arg:tt)*) => {{
        if false {
            let _ = ($($arg)*);
        }
    }};
}

#[cfg(feature = "defmt")]
macro_rules! log_warn {
    ($($arg:tt)*) => { defmt::warn!($($arg)*) };
}

#[cfg(not(feature = "defmt"))]
macro_rules! log_warn {
    ($($arg:tt)*) => {{
        if false {
            let _ = ($($arg)*);
        }
    }};
}

pub(crate) use {log_debug, log_warn};
