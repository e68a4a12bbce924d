//! Unit tests of the TCP engine, one per rule, on frames built here.
