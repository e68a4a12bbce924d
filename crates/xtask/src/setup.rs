//! `cargo xtask setup` (not written yet).

pub fn run(_args: &[String]) -> Result<(), String> {
    Err("not implemented yet".into())
}

pub fn test(_args: &[String]) -> Result<(), String> {
    Err("not implemented yet".into())
}
