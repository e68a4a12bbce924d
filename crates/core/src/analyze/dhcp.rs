//! The dhcp analyzer (not written yet: produces an empty section).

use super::{Analyzer, PacketContext};
use crate::report::dhcp::DhcpSection;

#[derive(Debug, Default)]
pub struct DhcpAnalyzer {}

impl Analyzer for DhcpAnalyzer {
    type Section = DhcpSection;
    fn on_packet(&mut self, _ctx: &PacketContext<'_, '_>) {}
    fn finish(self) -> DhcpSection {
        DhcpSection::default()
    }
}
