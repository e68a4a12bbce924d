//! `http`: stub.
use super::super::engine::FrameCtx;
use super::super::field::FieldDef;
use super::super::tree::Dissection;
use super::app::{Framing, Pdu, TcpPayload};
pub static FIELDS: &[&FieldDef] = &[];
#[derive(Debug, Default)]
pub struct HttpState {}
pub(crate) fn heuristic(_b: &[u8]) -> bool { false }
impl HttpState {
    pub(crate) fn frame(&mut self, _s: u64, _c: bool, b: &[u8]) -> Framing { Framing::Pdu(b.len()) }
    pub(crate) fn dissect(&mut self, _ctx: &mut FrameCtx<'_>, _d: &mut Dissection, _p: &TcpPayload<'_>, _pdu: Pdu<'_>, _more: bool) -> bool { false }
}
