//! Small components of the page shell (everything that is not a report view).

pub mod course;
pub mod deep_link;
pub mod downloads;
pub mod drop_zone;
pub mod export;
pub mod language;
pub mod open;
pub mod problems;
pub mod progress;
pub mod tabs;
