//! The tls analyzer (not written yet: produces an empty section).

use super::{Analyzer, PacketContext};
use crate::report::tls::TlsSection;

#[derive(Debug, Default)]
pub struct TlsAnalyzer {}

impl Analyzer for TlsAnalyzer {
    type Section = TlsSection;
    fn on_packet(&mut self, _ctx: &PacketContext<'_, '_>) {}
    fn finish(self) -> TlsSection {
        TlsSection::default()
    }
}
