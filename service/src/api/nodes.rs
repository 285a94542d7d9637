//! The nodes that share the database.

use std::sync::Arc;

use poem::web::Data;
use poem_openapi::OpenApi;
use poem_openapi::payload::Json;

use super::models::{NodeList, NodeView};
use super::problem::ServerError;
use super::{ApiTags, AppState};
use crate::domain::nodes_with_odd_trees;

pub struct NodesApi;

#[OpenApi(tag = "ApiTags::Nodes")]
impl NodesApi {
    /// List the nodes
    ///
    /// Every Testbay node that has shared this database, by name: live ones renew a lease; a
    /// node whose lease ran out is `lost` (another node interrupted its runs and freed their
    /// environments); a node that stopped as asked is `stopped`. A live node whose tests tree
    /// differs from the others' says so.
    #[oai(path = "/nodes", method = "get", operation_id = "list_nodes")]
    async fn nodes(&self, state: Data<&Arc<AppState>>) -> Result<Json<NodeList>, ServerError> {
        let nodes = state.store.nodes().await?;
        let odd_trees = nodes_with_odd_trees(&nodes);
        let items = nodes.into_iter().map(|node| NodeView::new(node, &state.system.node, &odd_trees)).collect();
        Ok(Json(NodeList { items, lease_s: state.system.lease.as_secs() }))
    }
}
