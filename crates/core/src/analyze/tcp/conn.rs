//! One connection (one Wireshark `tcp.stream`): its two flows, counters, handshake tracking,
//! Wireshark's completeness bits and Zeek's endpoint states and history letters.
//!
//! Everything here is fixed-size per connection; nothing grows with the packet count except
//! the bounded unacked-segment lists inside the flows.

use super::flags;
use super::seq::{Flow, SegmentFacts};
use crate::decode::tcp::Flags;

/// Wireshark `tcp.completeness` bits.
pub(crate) mod completeness {
    pub const SYN: u8 = 0x01;
    pub const SYN_ACK: u8 = 0x02;
    pub const ACK: u8 = 0x04;
    pub const DATA: u8 = 0x08;
    pub const FIN: u8 = 0x10;
    pub const RST: u8 = 0x20;
}

/// Zeek's TCP endpoint states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum EndpointState {
    #[default]
    Inactive,
    SynSent,
    SynAckSent,
    Partial,
    Established,
    Closed,
    Reset,
}

/// The most history letters kept per connection (Zeek's string is unbounded; ours is capped).
pub const MAX_HISTORY_LEN: usize = 16;

/// Options of an endpoint's first SYN (or SYN-ACK).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct SynOpts {
    pub seen: bool,
    pub mss: Option<u16>,
    pub wscale: Option<u8>,
    pub sack_perm: bool,
    pub timestamps: bool,
}

/// Per-direction counters (indexed by flow).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct DirStats {
    pub bytes: u64,
    pub payload_bytes: u64,
    pub packets: u32,
    pub data_packets: u32,
    /// Frames carrying `tcp.analysis.retransmission` (including fast and spurious ones).
    pub retransmissions: u32,
    pub rst: u32,
    /// Pure SYNs.
    pub syn: u16,
    pub syn_ack: u16,
    pub fin: u16,
    /// Letters already recorded once (a, d, i, q) and which `hist_last_*` are set.
    pub hist_once: u8,
    /// Zeek history counters for the logarithmic letters t, g, w (saturating: the letters
    /// stop at 10,000 events).
    pub hist_retrans: u16,
    pub hist_gaps: u16,
    pub hist_zero_win: u16,
    /// Zeek repeats S/H, F and R only when the sequence number changes.
    pub hist_last_syn: u32,
    pub hist_last_fin: u32,
    pub hist_last_rst: u32,
}

const HIST_ACK: u8 = 1;
const HIST_DATA: u8 = 2;
const HIST_INCONSISTENT: u8 = 4;
const HIST_MULTI_FLAG: u8 = 8;
const HIST_SYN_SEEN: u8 = 16;
const HIST_FIN_SEEN: u8 = 32;
const HIST_RST_SEEN: u8 = 64;

/// Handshake progress as the oracle defines it: SYN, then SYN-ACK from the SYN's target,
/// then a non-SYN ACK from the SYN's sender.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) enum Handshake {
    #[default]
    NoSyn,
    /// The first SYN came from this flow.
    Syn(u8),
    SynAck(u8),
    Done,
}

/// Endpoint addresses of a connection, by flow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Addrs {
    V4([u32; 2]),
    /// Boxed: IPv6 connections pay for their longer addresses, IPv4 ones do not.
    V6(Box<[u128; 2]>),
}

/// Endpoints of a connection: addresses and ports of flow 0 and flow 1 senders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Endpoints {
    pub addr: Addrs,
    pub port: [u16; 2],
}

impl Endpoints {
    pub fn ip(&self, flow: usize) -> std::net::IpAddr {
        match &self.addr {
            Addrs::V4(a) => std::net::IpAddr::V4(a[flow & 1].into()),
            Addrs::V6(a) => std::net::IpAddr::V6(a[flow & 1].into()),
        }
    }
}

/// One connection.
#[derive(Debug)]
pub(crate) struct Conn {
    pub flows: [Flow; 2],
    pub dir: [DirStats; 2],
    pub opts: [SynOpts; 2],
    pub zeek: [EndpointState; 2],
    /// State before the last change (Zeek's FIN-after-RST rule needs it).
    pub zeek_prev: [EndpointState; 2],
    pub endpoints: Endpoints,
    pub first_frame: u32,
    pub last_frame: u32,
    pub first_ts: i64,
    pub last_ts: i64,
    /// Time of the most recent pure SYN (0 = none), for the initial RTT.
    pub ts_mru_syn: i64,
    /// Wireshark's `tcp.analysis.initial_rtt` in ns (0 = unknown).
    pub irtt_ns: i64,
    /// Frames flagged, per `flags` bit (indexed by bit position); allocated at the first flag,
    /// so clean connections do not carry the table.
    pub analysis: Option<Box<[u32; flags::COUNT]>>,
    pub history: [u8; MAX_HISTORY_LEN],
    pub history_len: u8,
    pub completeness: u8,
    pub handshake: Handshake,
    /// Flow index of the client (sender of the first pure SYN, else of the first packet).
    pub client: u8,
    /// Flow index of the first packet's sender.
    pub first_sender: u8,
    /// The client was decided by a pure SYN (not by guessing from the first packet).
    pub client_from_syn: bool,
}

impl Conn {
    pub fn new(endpoints: Endpoints, frame: u32, ts: i64, sender: u8) -> Self {
        Conn {
            flows: [Flow::default(), Flow::default()],
            dir: [DirStats::default(); 2],
            opts: [SynOpts::default(); 2],
            zeek: [EndpointState::Inactive; 2],
            zeek_prev: [EndpointState::Inactive; 2],
            endpoints,
            first_frame: frame,
            last_frame: frame,
            first_ts: ts,
            last_ts: ts,
            ts_mru_syn: 0,
            irtt_ns: 0,
            analysis: None,
            history: [0; MAX_HISTORY_LEN],
            history_len: 0,
            completeness: 0,
            handshake: Handshake::NoSyn,
            client: sender,
            first_sender: sender,
            client_from_syn: false,
        }
    }

    /// Counts a frame of this stream (TCP packets and ICMP errors quoting one, as tshark's
    /// `tcp.stream` filter matches both).
    #[inline]
    pub fn count_frame(&mut self, sender: usize, frame: u32, ts: i64, frame_len: u32) {
        self.last_frame = frame;
        self.last_ts = ts;
        if let Some(d) = self.dir.get_mut(sender) {
            d.packets = d.packets.saturating_add(1);
            d.bytes += u64::from(frame_len);
        }
    }

    /// Who the client is, as far as we know at this packet.
    #[inline]
    pub fn note_roles(&mut self, sender: u8, fl: u16) {
        if fl & (Flags::SYN | Flags::ACK) == Flags::SYN && !self.client_from_syn {
            self.client = sender;
            self.client_from_syn = true;
        }
    }

    /// What `dissect_tcp` updates after the analysis (for every header of 20 bytes or more,
    /// ICMP-quoted copies included): the completeness bits, the time of the most recent pure
    /// SYN, the initial RTT (from that SYN to the first later packet whose flags have ACK
    /// without SYN, measured once), and whether the sender's window is still a SYN window.
    pub fn after_analysis(&mut self, sender: u8, p: &SegmentFacts, conversation_is_new: bool) {
        self.update_completeness(p.flags, p.seglen, conversation_is_new);
        let flow = &mut self.flows[usize::from(sender & 1)];
        if p.flags & Flags::SYN != 0 {
            if p.flags & Flags::ACK == 0 {
                self.ts_mru_syn = p.ts;
            }
            flow.is_first_ack = true;
        } else if p.flags & Flags::ACK != 0 {
            if self.irtt_ns == 0 && self.ts_mru_syn != 0 {
                self.irtt_ns = p.ts.wrapping_sub(self.ts_mru_syn);
            }
            flow.is_first_ack = false;
        }
    }

    /// Wireshark's `tcp.completeness` bits for one packet. The first packet of a new
    /// conversation counts only if it is a pure SYN (SYN, plus DATA when it carries payload);
    /// later packets never count a pure SYN. A stream started by port reuse begins at SYN.
    #[inline]
    fn update_completeness(&mut self, fl: u16, seglen: u32, conversation_is_new: bool) {
        let syn_ack = fl & (Flags::SYN | Flags::ACK);
        let mut bits = 0;
        if conversation_is_new {
            if syn_ack == Flags::SYN {
                bits |= completeness::SYN;
                if seglen > 0 {
                    bits |= completeness::DATA;
                }
            }
        } else {
            if syn_ack == Flags::SYN | Flags::ACK {
                bits |= completeness::SYN_ACK;
            } else if syn_ack == Flags::ACK {
                bits |= if seglen > 0 {
                    completeness::DATA
                } else {
                    completeness::ACK
                };
            }
            if fl & (Flags::FIN | Flags::ACK) == Flags::FIN | Flags::ACK {
                bits |= completeness::FIN;
            }
            if fl & Flags::RST != 0 {
                bits |= completeness::RST;
            }
        }
        self.completeness |= bits;
    }

    /// The oracle's handshake definition.
    #[inline]
    pub fn update_handshake(&mut self, sender: u8, fl: u16) {
        let syn = fl & Flags::SYN != 0;
        let ack = fl & Flags::ACK != 0;
        self.handshake = match self.handshake {
            Handshake::NoSyn if syn && !ack => Handshake::Syn(sender),
            Handshake::Syn(c) if syn && ack && sender != c => Handshake::SynAck(c),
            Handshake::SynAck(c) if !syn && ack && sender == c => Handshake::Done,
            h => h,
        };
    }

    /// Per-direction flag and payload counters.
    #[inline]
    pub fn count_tcp(&mut self, sender: usize, fl: u16, seglen: u32, analysis: u16) {
        let Some(d) = self.dir.get_mut(sender) else {
            return;
        };
        d.payload_bytes += u64::from(seglen);
        if seglen > 0 {
            d.data_packets = d.data_packets.saturating_add(1);
        }
        match fl & (Flags::SYN | Flags::ACK) {
            Flags::SYN => d.syn = d.syn.saturating_add(1),
            x if x == Flags::SYN | Flags::ACK => d.syn_ack = d.syn_ack.saturating_add(1),
            _ => {}
        }
        if fl & Flags::FIN != 0 {
            d.fin = d.fin.saturating_add(1);
        }
        if fl & Flags::RST != 0 {
            d.rst = d.rst.saturating_add(1);
        }
        if analysis & flags::ANY_RETRANSMISSION != 0 {
            d.retransmissions = d.retransmissions.saturating_add(1);
        }
    }

    /// Adds the frame's analysis flags to the per-connection counts.
    #[inline]
    pub fn count_analysis(&mut self, analysis: u16) {
        if analysis == 0 {
            return;
        }
        let counts = self
            .analysis
            .get_or_insert_with(|| Box::new([0; flags::COUNT]));
        let mut bits = analysis;
        while bits != 0 {
            let bit = bits.trailing_zeros() as usize;
            if let Some(c) = counts.get_mut(bit) {
                *c += 1;
            }
            bits &= bits - 1;
        }
    }

    fn push_history(&mut self, sender: u8, letter: u8) {
        let from_orig = sender == self.client;
        let c = if from_orig {
            letter.to_ascii_uppercase()
        } else {
            letter
        };
        if let Some(slot) = self.history.get_mut(usize::from(self.history_len)) {
            *slot = c;
            self.history_len += 1;
        }
    }

    /// Zeek's history letters and endpoint states for one packet.
    pub fn update_zeek(&mut self, sender: u8, seq: u32, fl: u16, seglen: u32, analysis: u16) {
        let s = usize::from(sender & 1);
        let peer = 1 - s;
        let syn = fl & Flags::SYN != 0;
        let fin = fl & Flags::FIN != 0;
        let rst = fl & Flags::RST != 0;
        let ack = fl & Flags::ACK != 0;

        // History letters.
        let mut letters: [u8; 6] = [0; 6];
        let mut n = 0;
        {
            let d = &mut self.dir[s];
            let mut add = |l: u8| {
                if let Some(slot) = letters.get_mut(n) {
                    *slot = l;
                    n += 1;
                }
            };
            if syn && (fin || rst) {
                if d.hist_once & HIST_MULTI_FLAG == 0 {
                    d.hist_once |= HIST_MULTI_FLAG;
                    add(b'q');
                }
            } else if fin && rst {
                if d.hist_once & HIST_INCONSISTENT == 0 {
                    d.hist_once |= HIST_INCONSISTENT;
                    add(b'i');
                }
            } else {
                if syn && (d.hist_once & HIST_SYN_SEEN == 0 || d.hist_last_syn != seq) {
                    d.hist_once |= HIST_SYN_SEEN;
                    d.hist_last_syn = seq;
                    add(if ack { b'h' } else { b's' });
                }
                if fin && (d.hist_once & HIST_FIN_SEEN == 0 || d.hist_last_fin != seq) {
                    d.hist_once |= HIST_FIN_SEEN;
                    d.hist_last_fin = seq;
                    add(b'f');
                }
                if rst && (d.hist_once & HIST_RST_SEEN == 0 || d.hist_last_rst != seq) {
                    d.hist_once |= HIST_RST_SEEN;
                    d.hist_last_rst = seq;
                    add(b'r');
                }
            }
            if ack && !syn && !fin && !rst && seglen == 0 && d.hist_once & HIST_ACK == 0 {
                d.hist_once |= HIST_ACK;
                add(b'a');
            }
            if seglen > 0 && d.hist_once & HIST_DATA == 0 {
                d.hist_once |= HIST_DATA;
                add(b'd');
            }
            let mut log_letter = |count: &mut u16, flagged: bool, l: u8| {
                if flagged {
                    *count = count.saturating_add(1);
                    if is_power_of_ten(*count) {
                        add(l);
                    }
                }
            };
            log_letter(
                &mut d.hist_retrans,
                seglen > 0 && analysis & flags::ANY_RETRANSMISSION != 0,
                b't',
            );
            log_letter(&mut d.hist_gaps, analysis & flags::LOST_SEGMENT != 0, b'g');
            log_letter(
                &mut d.hist_zero_win,
                analysis & flags::ZERO_WINDOW != 0,
                b'w',
            );
        }
        for &l in letters.iter().take(n) {
            self.push_history(sender, l);
        }

        // Endpoint states.
        let me = self.zeek[s];
        let other = self.zeek[peer];
        let set = |zeek: &mut [EndpointState; 2],
                   prev: &mut [EndpointState; 2],
                   i: usize,
                   st: EndpointState| {
            if zeek[i] != st {
                prev[i] = zeek[i];
                zeek[i] = st;
            }
        };
        if rst {
            set(&mut self.zeek, &mut self.zeek_prev, s, EndpointState::Reset);
            return;
        }
        if fin {
            // A FIN after the peer's RST that followed the peer's FIN: the peer counts as closed.
            if other == EndpointState::Reset && self.zeek_prev[peer] == EndpointState::Closed {
                set(
                    &mut self.zeek,
                    &mut self.zeek_prev,
                    peer,
                    EndpointState::Closed,
                );
            }
            if me != EndpointState::Reset {
                set(
                    &mut self.zeek,
                    &mut self.zeek_prev,
                    s,
                    EndpointState::Closed,
                );
            }
            return;
        }
        if syn {
            if me == EndpointState::Inactive {
                if ack {
                    if other == EndpointState::SynSent {
                        // The SYN-ACK answering a SYN establishes both sides.
                        set(
                            &mut self.zeek,
                            &mut self.zeek_prev,
                            s,
                            EndpointState::Established,
                        );
                        set(
                            &mut self.zeek,
                            &mut self.zeek_prev,
                            peer,
                            EndpointState::Established,
                        );
                    } else {
                        set(
                            &mut self.zeek,
                            &mut self.zeek_prev,
                            s,
                            EndpointState::SynAckSent,
                        );
                    }
                } else {
                    if other == EndpointState::SynSent {
                        // Simultaneous open.
                        set(
                            &mut self.zeek,
                            &mut self.zeek_prev,
                            peer,
                            EndpointState::Established,
                        );
                    }
                    set(
                        &mut self.zeek,
                        &mut self.zeek_prev,
                        s,
                        EndpointState::SynSent,
                    );
                }
            }
            return;
        }
        match me {
            EndpointState::Inactive => {
                if ack && seglen == 0 && other == EndpointState::SynAckSent {
                    set(
                        &mut self.zeek,
                        &mut self.zeek_prev,
                        s,
                        EndpointState::Established,
                    );
                    set(
                        &mut self.zeek,
                        &mut self.zeek_prev,
                        peer,
                        EndpointState::Established,
                    );
                } else {
                    set(
                        &mut self.zeek,
                        &mut self.zeek_prev,
                        s,
                        EndpointState::Partial,
                    );
                }
            }
            EndpointState::SynSent | EndpointState::SynAckSent if ack => {
                if matches!(
                    other,
                    EndpointState::SynAckSent | EndpointState::SynSent | EndpointState::Established
                ) {
                    set(
                        &mut self.zeek,
                        &mut self.zeek_prev,
                        s,
                        EndpointState::Established,
                    );
                    if other != EndpointState::Established {
                        set(
                            &mut self.zeek,
                            &mut self.zeek_prev,
                            peer,
                            EndpointState::Established,
                        );
                    }
                }
            }
            _ => {}
        }
    }

    pub fn history_string(&self) -> String {
        let mut s = String::with_capacity(usize::from(self.history_len) + 1);
        if self.client != self.first_sender {
            s.push('^');
        }
        for &c in self.history.iter().take(usize::from(self.history_len)) {
            s.push(char::from(c));
        }
        s
    }

    /// Zeek's `conn_state` from the endpoint states (orig = client).
    pub fn conn_state(&self) -> &'static str {
        use EndpointState::*;
        let c = usize::from(self.client & 1);
        let (orig, resp) = (self.zeek[c], self.zeek[1 - c]);
        let o_inactive = matches!(orig, Inactive | Partial);
        let r_inactive = matches!(resp, Inactive | Partial);
        let no_bytes = self.dir[c].payload_bytes == 0 && self.dir[1 - c].payload_bytes == 0;
        if resp == Reset {
            if matches!(orig, SynSent | SynAckSent) || (orig == Reset && no_bytes) {
                "REJ"
            } else if o_inactive {
                "RSTRH"
            } else {
                "RSTR"
            }
        } else if orig == Reset {
            if r_inactive {
                if self.history_matches_rstos0() {
                    "RSTOS0"
                } else {
                    "OTH"
                }
            } else {
                "RSTO"
            }
        } else if orig == Closed && resp == Closed {
            "SF"
        } else if orig == Closed {
            if r_inactive {
                "SH"
            } else {
                "S2"
            }
        } else if resp == Closed {
            if o_inactive {
                "SHR"
            } else {
                "S3"
            }
        } else if orig == SynSent && resp == Inactive {
            "S0"
        } else if orig == Established && resp == Established {
            "S1"
        } else {
            "OTH"
        }
    }

    /// `^?S[^HAFGIQ]*R.*`: an originator SYN, then an originator RST with none of those letters
    /// in between.
    fn history_matches_rstos0(&self) -> bool {
        let h = self.history_string();
        let h = h.strip_prefix('^').unwrap_or(&h);
        let Some(rest) = h.strip_prefix('S') else {
            return false;
        };
        for c in rest.chars() {
            match c {
                'R' => return true,
                'H' | 'A' | 'F' | 'G' | 'I' | 'Q' => return false,
                _ => {}
            }
        }
        false
    }
}

fn is_power_of_ten(mut n: u16) -> bool {
    if n == 0 {
        return false;
    }
    while n.is_multiple_of(10) {
        n /= 10;
    }
    n == 1
}
