//! The TCP engine (first cut: streams only). Numbers connections as tshark's `tcp.stream`.

use super::{Config, TcpContext};
use crate::decode::Packet;
use crate::report::tcp::TcpSection;

#[derive(Debug, Default)]
pub struct TcpAnalyzer {}

impl TcpAnalyzer {
    pub fn new(_config: &Config) -> Self {
        TcpAnalyzer {}
    }
    pub fn on_packet(&mut self, _packet: &Packet<'_>) -> Option<TcpContext> {
        None
    }
    pub fn finish(self) -> TcpSection {
        TcpSection::default()
    }
}
