//! The mock's integration tests, one binary (each test binary is another link after every docs
//! edit, since they all depend on `plugchat-api`).

mod example_bot;
mod mock;
mod units;
