//! The flows analyzer (not written yet: produces an empty section).

use super::{Analyzer, PacketContext};
use crate::report::flows::FlowsSection;

#[derive(Debug, Default)]
pub struct FlowsAnalyzer {}

impl Analyzer for FlowsAnalyzer {
    type Section = FlowsSection;
    fn on_packet(&mut self, _ctx: &PacketContext<'_, '_>) {}
    fn finish(self) -> FlowsSection {
        FlowsSection::default()
    }
}
