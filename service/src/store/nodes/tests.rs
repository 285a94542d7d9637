use std::time::Duration;

use super::*;
use crate::store::testing::store;

fn announcement(name: &str) -> NodeAnnouncement {
    NodeAnnouncement {
        name: name.into(),
        url: format!("http://{name}:7878"),
        capacity: 2,
        enforcement: Enforcement::Rlimit,
        tree_fingerprint: "0123456789abcdef".into(),
        version: "0.1.0".into(),
    }
}

#[tokio::test]
async fn a_node_renews_its_lease_until_another_finds_it_run_out() {
    let store = store().await;
    let registered = store.register_node(&announcement("a"), Duration::from_millis(150)).await.expect("register");
    assert_eq!(registered.state, NodeState::Live);
    assert!(registered.lease_until > registered.renewed_at);
    store.register_node(&announcement("b"), Duration::from_secs(60)).await.expect("register");

    let renewed = store.renew_lease("a", 1, Duration::from_millis(150)).await.expect("renew").expect("live");
    assert_eq!(renewed.running, 1);
    assert!(store.mark_expired_nodes_lost("b").await.expect("check").is_empty(), "a's lease is current");

    tokio::time::sleep(Duration::from_millis(200)).await;
    let lost = store.mark_expired_nodes_lost("b").await.expect("check");
    assert_eq!(lost.iter().map(|node| node.announcement.name.as_str()).collect::<Vec<_>>(), ["a"]);
    assert_eq!(lost[0].lost_to.as_deref(), Some("b"));
    assert!(store.mark_expired_nodes_lost("b").await.expect("check").is_empty(), "marked once");
    assert_eq!(store.renew_lease("a", 1, Duration::from_secs(1)).await.expect("renew"), None, "a lost node is fenced");

    let back = store.register_node(&announcement("a"), Duration::from_secs(60)).await.expect("register again");
    assert_eq!((back.state, back.lost_at), (NodeState::Live, None));
    store.mark_node_stopped("b").await.expect("stop");
    let states: Vec<_> = store.nodes().await.expect("nodes").into_iter().map(|node| node.state).collect();
    assert_eq!(states, [NodeState::Live, NodeState::Stopped]);
}

#[tokio::test]
async fn of_two_finders_one_marks_a_node_lost() {
    let store = store().await;
    store.register_node(&announcement("gone"), Duration::from_millis(1)).await.expect("register");
    tokio::time::sleep(Duration::from_millis(20)).await;
    let (first, second) = tokio::join!(store.mark_expired_nodes_lost("x"), store.mark_expired_nodes_lost("y"));
    let found = first.expect("x").len() + second.expect("y").len();
    assert_eq!(found, 1, "exactly one finder marks it");
}
