//! Capture synthesis for tests, the demo capture and benchmarks.
//!
//! - [`pcap`] and [`pcapng`]: writers for both file formats, every header field configurable,
//!   including the edge cases readers must handle (big-endian sections, nanosecond magic,
//!   if_tsresol/if_tsoffset, simple and obsolete packet blocks, sections mid-file).
//! - [`packet`]: Ethernet/SLL/SLL2/null/raw + IPv4/IPv6 + TCP/UDP/ICMP builders with correct
//!   lengths and checksums (overridable to make malformed packets).
//! - [`conversation`]: a TCP conversation scripter that tracks sequence and acknowledgement
//!   numbers, for loss, duplicate-ACK, retransmission, FIN and RST scenarios.
//! - [`tls`] and [`dns`]: message builders for TLS handshakes and DNS queries/responses.
//! - [`demo`]: the reproducible teaching capture the app offers as a sample.
//! - [`bench`]: a streaming generator for large benchmark captures.
//!
//! The library does no file I/O (it writes to `Vec<u8>` or any `std::io::Write`), so it also
//! builds for wasm32.

pub mod bench;
pub mod checksum;
pub mod conversation;
pub mod demo;
pub mod dns;
pub mod packet;
pub mod pcap;
pub mod pcapng;
pub mod rng;
pub mod tls;

pub use conversation::{frames_to_pcap, merge_frames, Segment, SegmentSpec, Side, TcpConversation};
pub use packet::{Link, Network, Packet, Tcp, TcpFlags, TcpOption, Transport};
pub use pcap::{linktype, Endian, PcapHeader, PcapWriter, Precision};
pub use pcapng::{EnhancedPacket, InterfaceDescription, PcapngWriter, SectionHeader, TsResol};

/// Nanoseconds since the Unix epoch: the time unit of scripted frames.
pub type Nanos = u64;

/// Splits nanoseconds since the epoch into the (seconds, nanoseconds) pair the writers take.
pub fn split_nanos(t: Nanos) -> (u64, u32) {
    (t / 1_000_000_000, (t % 1_000_000_000) as u32)
}
