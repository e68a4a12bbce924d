//! The sip analyzer (not written yet: produces an empty section).

use super::{Analyzer, PacketContext};
use crate::report::sip::SipSection;

#[derive(Debug, Default)]
pub struct SipAnalyzer {}

impl Analyzer for SipAnalyzer {
    type Section = SipSection;
    fn on_packet(&mut self, _ctx: &PacketContext<'_, '_>) {}
    fn finish(self) -> SipSection {
        SipSection::default()
    }
}
