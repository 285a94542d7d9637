//! What the API sends and receives, as the OpenAPI spec describes it, by API.

mod catalog;
mod live;
mod runs;
mod templates;

pub use catalog::*;
pub use live::*;
pub use runs::*;
pub use templates::*;
