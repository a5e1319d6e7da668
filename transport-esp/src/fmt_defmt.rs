//! `defmt::Format` for the types that cannot derive it (behind the `defmt`
//! feature). The connection's error is logged as its `ErrorKind` only.

use embedded_svc::io::Error as IoError;

use crate::error::{Error, TransportError};

impl<E: IoError> defmt::Format for TransportError<E> {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(
            f,
            "TransportError {{ stage: {}, failure: {}, kind: {} }}",
            self.stage,
            self.failure,
            self.source.kind()
        );
    }
}

impl<E: IoError> defmt::Format for Error<E> {
    fn format(&self, f: defmt::Formatter<'_>) {
        match self {
            Error::Validation(error) => defmt::write!(f, "Validation({})", error),
            Error::Api(error) => defmt::write!(f, "Api({})", error),
            Error::Authentication(error) => defmt::write!(f, "Authentication({})", error),
            Error::RateLimited { retry_after } => {
                defmt::write!(f, "RateLimited {{ retry_after: {} }}", retry_after)
            }
            Error::Server { status } => defmt::write!(f, "Server {{ status: {=u16} }}", status),
            Error::Transport(error) => defmt::write!(f, "Transport({})", error),
            Error::Protocol(error) => defmt::write!(f, "Protocol({})", error),
        }
    }
}
