//! What the API sends and receives, as the OpenAPI spec describes it, by API.

mod catalog;
mod history;
mod live;
mod nodes;
mod resources;
mod runs;
mod templates;
mod users;

pub use catalog::*;
pub use history::*;
pub use live::*;
pub use nodes::*;
pub use resources::*;
pub use runs::*;
pub use templates::*;
pub use users::*;
