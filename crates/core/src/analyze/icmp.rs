//! The icmp analyzer (not written yet: produces an empty section).

use super::{Analyzer, PacketContext};
use crate::report::icmp::IcmpSection;

#[derive(Debug, Default)]
pub struct IcmpAnalyzer {}

impl Analyzer for IcmpAnalyzer {
    type Section = IcmpSection;
    fn on_packet(&mut self, _ctx: &PacketContext<'_, '_>) {}
    fn finish(self) -> IcmpSection {
        IcmpSection::default()
    }
}
