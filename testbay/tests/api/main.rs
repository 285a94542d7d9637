//! Integration tests: each starts the real service on an ephemeral loopback port with a fresh
//! data dir and talks HTTP to it, running real pytest processes.

mod helpers;

mod cli;
mod execution;
mod history;
mod live;
mod log;
mod memory;
mod restart;
mod retention;
mod runs;
mod sandbox;
mod security;
mod shared_database;
mod spec;
mod templates;
mod users;
