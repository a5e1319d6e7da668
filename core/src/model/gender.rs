//! The gender code of the API: `M` or `F`.

use core::fmt;

/// The gender code the API accepts: exactly `M` or `F`.
///
/// ```
/// use minted_connect_core::model::Gender;
/// assert_eq!(Gender::from_code("F"), Some(Gender::F));
/// assert_eq!(Gender::M.as_str(), "M");
/// assert_eq!(Gender::from_code("m"), None);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Gender {
    /// `M`.
    M,
    /// `F`.
    F,
}

impl Gender {
    /// The code as sent on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            Gender::M => "M",
            Gender::F => "F",
        }
    }

    /// Reads exactly `M` or `F` (case-sensitive, no surrounding whitespace).
    pub fn from_code(code: &str) -> Option<Gender> {
        match code {
            "M" => Some(Gender::M),
            "F" => Some(Gender::F),
            _ => None,
        }
    }
}

impl fmt::Display for Gender {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Gender {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}
