//! Small components of the page shell (everything that is not a report view).

pub mod drop_zone;
pub mod export;
pub mod open;
pub mod problems;
pub mod progress;
pub mod tabs;
