//! Rendering of a Report for people (not written yet).
