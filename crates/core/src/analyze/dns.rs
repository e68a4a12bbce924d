//! The dns analyzer (not written yet: produces an empty section).

use super::{Analyzer, PacketContext};
use crate::report::dns::DnsSection;

#[derive(Debug, Default)]
pub struct DnsAnalyzer {}

impl Analyzer for DnsAnalyzer {
    type Section = DnsSection;
    fn on_packet(&mut self, _ctx: &PacketContext<'_, '_>) {}
    fn finish(self) -> DnsSection {
        DnsSection::default()
    }
}
