//! The SIP section: every SIP message (UDP and TCP), and calls grouped by Call-ID.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SipSection {
    /// In frame order.
    pub messages: Vec<Message>,
    /// One per Call-ID, in order of first appearance.
    pub calls: Vec<Call>,
    /// Requests by method and responses by status code (as strings), like tshark's stats.
    pub requests: BTreeMap<String, u64>,
    pub responses: BTreeMap<String, u64>,
    /// Messages / calls beyond the table caps (counted, not listed).
    pub messages_dropped: u64,
    pub calls_dropped: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Message {
    /// The frame where the message completed (the last segment of one split over TCP).
    pub frame: u64,
    pub time: f64,
    /// Request method; null for responses.
    pub method: Option<String>,
    /// Response status code; null for requests.
    pub status: Option<u16>,
    pub reason: Option<String>,
    pub request_uri: Option<String>,
    pub call_id: Option<String>,
    /// The CSeq header value, e.g. "1 INVITE".
    pub cseq: Option<String>,
    pub cseq_number: Option<u32>,
    pub cseq_method: Option<String>,
    /// "udp" or "tcp".
    pub transport: String,
    /// "ip:port" of sender and receiver.
    pub src: String,
    pub dst: String,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Every Via header value, in order.
    pub via: Vec<String>,
    pub contact: Option<String>,
    pub user_agent: Option<String>,
    pub content_type: Option<String>,
    pub sdp: Option<Sdp>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sdp {
    /// Session-level connection address (c=).
    pub connection: Option<String>,
    pub media: Vec<SdpMedia>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SdpMedia {
    /// "audio", "video", ...
    pub media: String,
    pub port: u16,
    pub protocol: String,
    /// Connection address for this media (its own c= or the session's).
    pub connection: Option<String>,
    /// Payload type numbers of the m= line.
    pub formats: Vec<String>,
    /// Codec names ("PCMU/8000"), from a=rtpmap or the static payload types.
    pub codecs: Vec<String>,
    pub direction: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Call {
    pub call_id: String,
    /// Frames of this Call-ID's messages (capped; `messages` has the full count).
    pub frames: Vec<u64>,
    pub messages: u64,
    /// Method of the first request seen (INVITE, REGISTER, OPTIONS, ...).
    pub method: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub first_time: f64,
    pub last_time: f64,
    pub invite_frame: Option<u64>,
    pub invite_time: Option<f64>,
    /// Final response (≥ 200) to the first request's method; a 2xx sticks once seen.
    pub final_status: Option<u16>,
    pub final_reason: Option<String>,
    /// A 2xx answered the INVITE.
    pub answered: bool,
    pub answer_time: Option<f64>,
    pub bye_frame: Option<u64>,
    pub bye_time: Option<f64>,
    /// INVITE → 2xx.
    pub setup_s: Option<f64>,
    /// 2xx → BYE.
    pub duration_s: Option<f64>,
    /// "completed" (answered, BYE seen), "answered" (no BYE), "cancelled", "rejected",
    /// "unanswered"; for non-INVITE dialogs "completed", "rejected" or "unanswered".
    pub state: String,
    /// First SDP offer (usually in the INVITE) and answer (in a 18x/2xx).
    pub offer: Option<Sdp>,
    pub answer: Option<Sdp>,
}
