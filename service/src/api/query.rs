//! Query parameters that several handlers take, read into the domain's types once.

use super::problem::Problem;
use crate::domain::{Environment, FieldError};

/// An `environment` filter: a problem naming the field when it is no environment.
pub fn environment_filter(number: Option<u8>) -> Result<Option<Environment>, Problem> {
    number
        .map(|number| Environment::new(number.into()))
        .transpose()
        .map_err(|message| Problem::invalid_field(FieldError::new("environment", message)))
}
