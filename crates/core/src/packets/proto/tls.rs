//! `tls`: stub.
use super::super::engine::FrameCtx;
use super::super::field::FieldDef;
use super::super::tree::Dissection;
use super::app::{Framing, Pdu, TcpPayload};
pub static FIELDS: &[&FieldDef] = &[];
#[derive(Debug, Default)]
pub struct TlsState {}
pub(crate) fn heuristic(_b: &[u8]) -> bool { false }
pub(crate) fn frame(b: &[u8]) -> Framing { Framing::Pdu(b.len()) }
impl TlsState {
    pub(crate) fn dissect_record(&mut self, _ctx: &mut FrameCtx<'_>, _d: &mut Dissection, _p: &TcpPayload<'_>, _pdu: Pdu<'_>, _more: bool) -> bool { false }
}
