//! Analyzers and the single packet loop that feeds them.
//!
//! Shaped like Zeek: one analyzer per protocol, each keeping its own per-flow state and
//! producing its own report section. [`Analysis`] owns the capture reader and calls every
//! analyzer once per frame, in frame order. The TCP engine runs first because the
//! stream-oriented analyzers (TLS, DNS/SIP over TCP) key their state by its stream number; it
//! hands them a [`TcpContext`] and nothing else, so analyzers stay independent of each other.
//!
//! Analyzers do no I/O, never panic, and cap every table with a named constant.

pub mod capinfos;
pub mod defrag;
pub mod dhcp;
pub mod dns;
pub mod flows;
pub mod icmp;
pub mod ladder;
pub mod ports;
pub mod reassembly;
pub mod sip;
pub mod tcp;
pub mod tls;

use crate::capture::{Frame, Reader};
use crate::decode::{decode_frame, Packet};
use crate::report::{Filter, Report, SCHEMA_VERSION};

/// What the front end asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Config {
    /// Shown in the report; not used for analysis.
    pub file_name: Option<String>,
    /// mcpcap's `server_ip` filter for the TCP section.
    pub server_ip: Option<String>,
    /// mcpcap's `server_port` filter for the TCP section.
    pub server_port: Option<u16>,
}

/// How far an analysis has got (for progress bars).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the file fed so far (compressed bytes for a .gz file).
    pub bytes: u64,
    pub frames: u64,
}

/// What the TCP engine tells the other analyzers about a TCP packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpContext {
    /// Wireshark's `tcp.stream`.
    pub stream: u64,
    /// True when the packet goes from the stream's client (SYN sender / first sender) to its server.
    pub from_client: bool,
    /// `tcp::flags::*` bits set on this frame by the sequence analysis.
    pub analysis: u32,
}

/// A complete UDP datagram: the packet's own, or one reassembled from IP fragments.
#[derive(Debug, Clone, Copy)]
pub struct UdpDatagram<'p> {
    pub src_port: u16,
    pub dst_port: u16,
    /// The captured payload (may be shorter than the header says when the capture cut it).
    pub payload: &'p [u8],
}

/// Per-packet input for every analyzer.
pub struct PacketContext<'p, 'a> {
    pub packet: &'p Packet<'a>,
    /// Set for TCP packets.
    pub tcp: Option<TcpContext>,
    /// Set for UDP packets, and for the last fragment of a reassembled UDP datagram. UDP-based
    /// analyzers read this, never `packet.udp()`, so fragmented DNS/SIP/DHCP are seen whole.
    pub udp: Option<UdpDatagram<'p>>,
    /// Set on the frame that completes a fragmented IP datagram (the last fragment): its whole
    /// upper-layer payload (ICMP analyzers read this; UDP ones get it through `udp`).
    pub reassembled: Option<defrag::Reassembled<'p>>,
}

/// A protocol analyzer: fed every packet once, in order; `finish` flushes pending state and
/// returns its report section.
pub trait Analyzer {
    type Section;
    fn on_packet(&mut self, ctx: &PacketContext<'_, '_>);
    fn finish(self) -> Self::Section;
}

/// Every analyzer, fed by one loop.
struct Analyzers {
    capinfos: capinfos::CapinfosAnalyzer,
    defrag: defrag::Defragmenter,
    tcp: tcp::TcpAnalyzer,
    tls: tls::TlsAnalyzer,
    dns: dns::DnsAnalyzer,
    dhcp: dhcp::DhcpAnalyzer,
    icmp: icmp::IcmpAnalyzer,
    sip: sip::SipAnalyzer,
    flows: flows::FlowsAnalyzer,
}

impl Analyzers {
    fn new(config: &Config) -> Self {
        Analyzers {
            capinfos: capinfos::CapinfosAnalyzer::default(),
            defrag: defrag::Defragmenter::default(),
            tcp: tcp::TcpAnalyzer::new(config),
            tls: tls::TlsAnalyzer::default(),
            dns: dns::DnsAnalyzer::default(),
            dhcp: dhcp::DhcpAnalyzer::default(),
            icmp: icmp::IcmpAnalyzer::default(),
            sip: sip::SipAnalyzer::default(),
            flows: flows::FlowsAnalyzer::default(),
        }
    }

    #[inline]
    fn on_frame(&mut self, frame: &Frame<'_>) {
        self.capinfos.on_frame(frame);
        let packet = decode_frame(frame);
        self.capinfos.on_packet(&packet);
        let tcp = self.tcp.on_packet(&packet);
        let reassembled = match &packet.ip {
            Some(ip) => self.defrag.on_ip(packet.meta.number, packet.meta.ts, ip),
            None => None,
        };
        let udp = match reassembled.as_ref().and_then(|r| r.udp()) {
            Some((src_port, dst_port, payload)) => Some(UdpDatagram {
                src_port,
                dst_port,
                payload,
            }),
            None => packet.udp().map(|u| UdpDatagram {
                src_port: u.src_port,
                dst_port: u.dst_port,
                payload: u.payload,
            }),
        };
        let ctx = PacketContext {
            packet: &packet,
            tcp,
            udp,
            reassembled,
        };
        self.tls.on_packet(&ctx);
        self.dns.on_packet(&ctx);
        self.dhcp.on_packet(&ctx);
        self.icmp.on_packet(&ctx);
        self.sip.on_packet(&ctx);
        self.flows.on_packet(&ctx);
    }
}

/// A streaming analysis: feed chunks of the file, then [`finish`](Analysis::finish).
pub struct Analysis {
    config: Config,
    reader: Reader,
    analyzers: Analyzers,
    bytes: u64,
}

impl Analysis {
    pub fn new(config: Config) -> Self {
        Analysis {
            analyzers: Analyzers::new(&config),
            config,
            reader: Reader::new(),
            bytes: 0,
        }
    }

    /// Feeds the next chunk of the file (any size).
    pub fn feed(&mut self, chunk: &[u8]) {
        self.bytes += chunk.len() as u64;
        let Analysis {
            reader, analyzers, ..
        } = self;
        reader.feed(chunk, |frame| analyzers.on_frame(frame));
    }

    /// True once the reader has given up (foreign file or unrecoverable damage): feeding more is
    /// pointless, the caller may stop reading and call `finish`.
    pub fn is_stopped(&self) -> bool {
        self.reader.is_stopped()
    }

    pub fn progress(&self) -> Progress {
        Progress {
            bytes: self.bytes,
            frames: self.reader.frames_read(),
        }
    }

    /// Ends the input and builds the Report.
    pub fn finish(self) -> Report {
        let Analysis {
            config,
            mut reader,
            mut analyzers,
            ..
        } = self;
        reader.finish(|frame| analyzers.on_frame(frame));
        let Analyzers {
            capinfos,
            defrag,
            tcp,
            tls,
            dns,
            dhcp,
            icmp,
            sip,
            flows,
        } = analyzers;
        Report {
            schema_version: SCHEMA_VERSION,
            generator: format!("pcaplens {}", env!("CARGO_PKG_VERSION")),
            file_name: config.file_name.clone(),
            error: reader.error().map(|e| e.to_string()),
            filter: Filter {
                server_ip: config.server_ip.clone(),
                server_port: config.server_port,
            },
            capinfos: capinfos.finish(reader.info(), reader.frames_read()),
            tcp: tcp.finish(),
            tls: tls.finish(),
            dns: dns.finish(),
            dhcp: dhcp.finish(),
            icmp: icmp.finish(),
            sip: sip.finish(),
            flows: crate::report::FlowsSection {
                ip_fragments: defrag.finish(),
                ..flows.finish()
            },
        }
    }
}
