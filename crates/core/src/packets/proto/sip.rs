//! `sip`: stub.
use super::super::field::FieldDef;
use super::super::tree::Dissection;
use super::app::{Framing, Pdu};
pub static FIELDS: &[&FieldDef] = &[];
#[derive(Debug, Default)]
pub struct SipState {}
pub(crate) fn frame_tcp(b: &[u8]) -> Framing { Framing::Pdu(b.len()) }
pub(crate) fn dissect_message(_s: &mut SipState, _d: &mut Dissection, _pdu: Pdu<'_>) -> bool { false }
