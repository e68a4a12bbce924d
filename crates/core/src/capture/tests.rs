//! Reader tests on captures built with pcaplens-synth (or by hand where synth would not write
//! something that broken). Every capture is read in chunks of 1, 2, 3, 7, 4096 bytes and whole,
//! and all readings must agree.

use std::io::Write;

use pcaplens_synth::pcap::{Endian, PcapHeader, PcapWriter, Precision};
use pcaplens_synth::pcapng::{
    BlockOption, EnhancedPacket, InterfaceDescription, OptionValue, PcapngWriter, SectionHeader,
    TsResol,
};

use super::*;

/// A frame copied out of the callback.
#[derive(Debug, Clone, PartialEq)]
struct Owned {
    number: u64,
    ts: Timestamp,
    has_ts: bool,
    interface: u32,
    link_type: LinkType,
    orig_len: u32,
    data: Vec<u8>,
    comments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    frames: Vec<Owned>,
    frames_read: u64,
    info: CaptureInfo,
    error: Option<CaptureError>,
    max_pending: usize,
}

const CHUNKS: [usize; 6] = [1, 2, 3, 7, 4096, usize::MAX];

fn read_chunked(bytes: &[u8], chunk: usize) -> Outcome {
    let mut reader = Reader::new();
    let mut frames = Vec::new();
    let mut max_pending = 0;
    let mut push = |f: &Frame<'_>| {
        frames.push(Owned {
            number: f.number,
            ts: f.ts,
            has_ts: f.has_ts,
            interface: f.interface,
            link_type: f.link_type,
            orig_len: f.orig_len,
            data: f.data.to_vec(),
            comments: f.comments.to_vec(),
        })
    };
    for c in bytes.chunks(chunk.max(1)) {
        reader.feed(c, &mut push);
        max_pending = max_pending.max(reader.pending_len());
    }
    reader.finish(&mut push);
    Outcome {
        frames,
        frames_read: reader.frames_read(),
        info: reader.info().clone(),
        error: reader.error().cloned(),
        max_pending,
    }
}

/// Reads `bytes` in every chunk size; asserts the outcomes agree and returns one.
fn read(bytes: &[u8]) -> Outcome {
    let whole = read_chunked(bytes, usize::MAX);
    for chunk in CHUNKS {
        let mut o = read_chunked(bytes, chunk);
        o.max_pending = whole.max_pending;
        assert_eq!(o, whole, "reading in {chunk}-byte chunks differs");
    }
    whole
}

fn eth(n: u8, len: usize) -> Vec<u8> {
    let mut v = vec![0xff; 6];
    v.extend_from_slice(&[2, 0, 0, 0, 0, n]);
    v.extend_from_slice(&[0x08, 0x00]);
    v.resize(len.max(14), n);
    v
}

fn pcap_file(header: PcapHeader, frames: &[((u64, u32), Vec<u8>, u32)]) -> Vec<u8> {
    let mut w = PcapWriter::new(Vec::new(), header).unwrap();
    for (ts, data, orig) in frames {
        w.write_packet(*ts, data, *orig).unwrap();
    }
    w.into_inner().unwrap()
}

fn three_frames() -> Vec<((u64, u32), Vec<u8>, u32)> {
    vec![
        ((1_600_000_000, 123_456_000), eth(1, 60), 60),
        ((1_600_000_001, 999_999_000), eth(2, 100), 1500),
        ((1_600_000_001, 0), eth(3, 42), 42),
    ]
}

#[test]
fn pcap_in_both_byte_orders_and_precisions() {
    for endian in [Endian::Little, Endian::Big] {
        for precision in [Precision::Micro, Precision::Nano] {
            let header = PcapHeader {
                endian,
                precision,
                snaplen: 65535,
                ..PcapHeader::new(1)
            };
            let o = read(&pcap_file(header, &three_frames()));
            assert_eq!(o.error, None);
            assert!(!o.info.truncated, "{:?}", o.info.warnings);
            assert_eq!(o.info.format, Some(Format::Pcap));
            let nano = precision == Precision::Nano;
            assert_eq!(
                o.info.file_type,
                Some(if nano { "nsecpcap" } else { "pcap" })
            );
            assert_eq!(o.info.snaplen, Some(65535));
            let iface = &o.info.interfaces[0];
            assert_eq!(iface.link_type, LinkType::ETHERNET);
            assert_eq!(
                iface.ticks_per_second,
                if nano { 1_000_000_000 } else { 1_000_000 }
            );
            assert_eq!(iface.tsresol, nano.then_some(9));
            let numbers: Vec<u64> = o.frames.iter().map(|f| f.number).collect();
            assert_eq!(numbers, [1, 2, 3]);
            assert_eq!(o.frames[0].ts, Timestamp::new(1_600_000_000, 123_456_000));
            assert_eq!(o.frames[1].ts, Timestamp::new(1_600_000_001, 999_999_000));
            assert_eq!(o.frames[1].orig_len, 1500);
            assert_eq!(o.frames[1].data, eth(2, 100));
            assert!(o.frames.iter().all(|f| f.has_ts && f.interface == 0));
        }
    }
}

#[test]
fn pcap_old_versions_swap_lengths() {
    // Version 2.2 stores orig_len before incl_len.
    let mut bytes = pcap_file(
        PcapHeader {
            version_minor: 2,
            ..PcapHeader::new(1)
        },
        &[],
    );
    let data = eth(1, 40);
    let mut w = PcapWriter::new(Vec::new(), PcapHeader::new(1)).unwrap();
    w.write_record(10, 5, &data, 100, 40).unwrap(); // written swapped: "caplen" 100, "orig" 40
    bytes.extend_from_slice(&w.into_inner().unwrap()[24..]);
    // Fix the record so its data really is 40 bytes: header says incl=100 (the orig) and orig=40.
    let o = read(&bytes);
    assert_eq!(o.frames.len(), 1);
    assert_eq!(o.frames[0].data.len(), 40);
    assert_eq!(o.frames[0].orig_len, 100);
    // Version 2.3 swaps only when incl_len > orig_len.
    let mut w = PcapWriter::new(
        Vec::new(),
        PcapHeader {
            version_minor: 3,
            ..PcapHeader::new(1)
        },
    )
    .unwrap();
    w.write_record(10, 5, &data, 40, 100).unwrap();
    w.write_record(11, 5, &data, 100, 40).unwrap();
    w.write_record(12, 5, &data, 40, 100).unwrap();
    let o = read(&w.into_inner().unwrap());
    assert_eq!(o.frames.len(), 3, "{:?}", o.info.warnings);
    assert!(o
        .frames
        .iter()
        .all(|f| f.data.len() == 40 && f.orig_len == 100));
}

#[test]
fn pcap_modified_magic_uses_24_byte_records() {
    let mut bytes = Vec::new();
    bytes.extend_from_slice(&0xa1b2_cd34u32.to_le_bytes());
    bytes.extend_from_slice(&[2, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    bytes.extend_from_slice(&65535u32.to_le_bytes());
    bytes.extend_from_slice(&1u32.to_le_bytes());
    for i in 0..3u32 {
        let data = eth(i as u8, 50);
        for v in [100 + i, 7, 50, 50, 2 /* ifindex */] {
            bytes.extend_from_slice(&v.to_le_bytes());
        }
        bytes.extend_from_slice(&0x0800u16.to_le_bytes());
        bytes.extend_from_slice(&[0, 0]); // pkt_type, pad
        bytes.extend_from_slice(&data);
    }
    let o = read(&bytes);
    assert_eq!(o.info.file_type, Some("modpcap"));
    assert_eq!(o.frames.len(), 3);
    assert_eq!(o.frames[2].ts, Timestamp::new(102, 7000));
    assert_eq!(o.frames[2].data, eth(2, 50));
}

#[test]
fn pcap_header_only_and_cut_header() {
    let header = pcap_file(PcapHeader::new(1), &[]);
    let o = read(&header);
    assert_eq!(o.error, None);
    assert!(o.frames.is_empty() && !o.info.truncated);
    assert_eq!(o.info.format, Some(Format::Pcap));
    let o = read(&header[..10]);
    assert!(matches!(
        o.error,
        Some(CaptureError::BadHeader {
            format: Some(Format::Pcap),
            ..
        })
    ));
}

#[test]
fn pcap_truncated_last_record_keeps_earlier_frames() {
    let bytes = pcap_file(PcapHeader::new(1), &three_frames());
    for cut in [1, 10, 16, 17, 50] {
        let o = read(&bytes[..bytes.len() - cut]);
        assert_eq!(o.error, None);
        assert_eq!(o.frames.len(), 2, "cut {cut}");
        assert!(o.info.truncated);
        let w = &o.info.warnings[0];
        let third = 24 + 16 + 60 + 16 + 100;
        assert!(
            w.contains("frame 3") && w.contains(&format!("byte offset {third}")),
            "{w}"
        );
    }
}

#[test]
fn pcap_absurd_record_length_is_damage() {
    // Nanosecond magic: no layout guessing (with the microsecond magic Wireshark would try the
    // Nokia and ss990417 layouts on such a file; the differential runs cover that).
    let nano = PcapHeader {
        precision: Precision::Nano,
        ..PcapHeader::new(1)
    };
    let mut bytes = pcap_file(nano, &three_frames());
    // Second record's incl_len (little-endian) := 0xFFFFFFFF.
    let at = 24 + 16 + 60 + 8;
    bytes[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let o = read(&bytes);
    assert_eq!(o.frames.len(), 1);
    assert!(o.info.truncated);
    assert!(o.info.warnings.iter().any(|w| w.contains("frame 2")
        && w.contains("4294967295")
        && w.contains(&format!("byte offset {}", 24 + 16 + 60))));
    // Just too big for Ethernet (262144 + 1), with the data present.
    let big = eth(9, 262_145);
    let mut frames = three_frames();
    frames.insert(1, ((5, 0), big, 262_145));
    let o = read(&pcap_file(nano, &frames));
    assert_eq!(o.frames.len(), 1);
    assert!(o.info.truncated);
}

#[test]
fn pcap_caplen_above_snaplen_is_accepted() {
    let header = PcapHeader {
        snaplen: 20,
        ..PcapHeader::new(1)
    };
    let o = read(&pcap_file(header, &three_frames()));
    assert_eq!(o.frames.len(), 3);
    assert!(!o.info.truncated);
}

#[test]
fn pcap_unknown_link_type_still_counts_frames() {
    let o = read(&pcap_file(PcapHeader::new(999), &three_frames()));
    assert_eq!(o.frames.len(), 3);
    assert!(o.frames.iter().all(|f| f.link_type == LinkType(999)));
}

#[test]
fn empty_and_foreign_files() {
    assert_eq!(read(&[]).error, Some(CaptureError::Empty));
    let o = read(b"%PDF-1.7 not a capture");
    let Some(e @ CaptureError::NotACapture { .. }) = o.error else {
        panic!("{:?}", o.error)
    };
    let msg = e.to_string();
    assert!(msg.contains("25 50 44 46") && msg.contains("PDF"), "{msg}");
    assert!(
        msg.contains("d4 c3 b2 a1") && msg.contains("0a 0d 0d 0a"),
        "{msg}"
    );
    // Shorter than a magic number.
    assert!(matches!(
        read(b"\xd4").error,
        Some(CaptureError::NotACapture { .. })
    ));
    assert!(matches!(
        read(b"\xd4\xc3\xb2").error,
        Some(CaptureError::NotACapture { .. })
    ));
}

/// A pcapng file exercising most features; returns the bytes and the expected frame count.
fn rich_pcapng(endian: Endian) -> Vec<u8> {
    let section = SectionHeader {
        endian,
        comment: Some("first comment".into()),
        hardware: Some("hw".into()),
        os: Some("Linux".into()),
        userappl: Some("synth".into()),
        extra_options: vec![BlockOption::text(1, "second comment")],
        ..SectionHeader::default()
    };
    let mut w = PcapngWriter::new(Vec::new(), &section).unwrap();
    let ether = w
        .interface(&InterfaceDescription {
            name: Some("eth0".into()),
            description: Some("the wire".into()),
            snaplen: 65535,
            extra_options: vec![
                BlockOption::text(12, "Linux 6"),
                BlockOption::new(11, OptionValue::Bytes(b"\0tcp port 443".to_vec())),
            ],
            ..InterfaceDescription::new(1)
        })
        .unwrap();
    let sll2 = w
        .interface(&InterfaceDescription {
            tsresol: Some(TsResol::Pow10(9)),
            ..InterfaceDescription::new(276)
        })
        .unwrap();
    let binary = w
        .interface(&InterfaceDescription {
            tsresol: Some(TsResol::Pow2(10)),
            tsoffset: Some(1_000),
            ..InterfaceDescription::new(101)
        })
        .unwrap();
    w.packet(ether, (1_700_000_000, 1_000), &eth(1, 60))
        .unwrap();
    let mut p = EnhancedPacket::new(sll2, 1_700_000_000_123_456_789, &[0u8; 20]);
    p.comment = Some("hello\nworld".into());
    p.flags = Some(1);
    p.orig_len = 200;
    w.enhanced_packet(&p).unwrap();
    // Raw 2^-10 units: 5.5 s, plus the 1000 s offset.
    w.enhanced_packet(&EnhancedPacket::new(binary, 5 * 1024 + 512, &[0x45; 20]))
        .unwrap();
    // Blocks we skip: NRB, ISB, unknown.
    w.raw_block(4, &[0, 0, 0, 0]).unwrap();
    w.interface_statistics(ether, 0, &[]).unwrap();
    w.raw_block(0x1234, b"whatever").unwrap();
    w.obsolete_packet(
        ether as u16,
        0,
        1_700_000_002_000_000,
        &eth(4, 50),
        50,
        &[BlockOption::text(1, "old")],
    )
    .unwrap();
    w.into_inner().unwrap()
}

#[test]
fn pcapng_features_in_both_byte_orders() {
    for endian in [Endian::Little, Endian::Big] {
        let o = read(&rich_pcapng(endian));
        assert_eq!(o.error, None);
        assert!(!o.info.truncated, "{:?}", o.info.warnings);
        let i = &o.info;
        assert_eq!(i.format, Some(Format::Pcapng));
        assert_eq!(i.comments, ["first comment", "second comment"]);
        assert_eq!(i.hardware.as_deref(), Some("hw"));
        assert_eq!(i.os.as_deref(), Some("Linux"));
        assert_eq!(i.application.as_deref(), Some("synth"));
        assert_eq!(i.sections, 1);
        assert_eq!(i.interfaces.len(), 3);
        let e = &i.interfaces[0];
        assert_eq!(e.name.as_deref(), Some("eth0"));
        assert_eq!(e.description.as_deref(), Some("the wire"));
        assert_eq!(e.os.as_deref(), Some("Linux 6"));
        assert_eq!(e.filter.as_deref(), Some("tcp port 443"));
        assert_eq!(e.snaplen, 65535);
        assert_eq!(e.precision, TimePrecision::Microseconds);
        assert_eq!(i.interfaces[1].precision, TimePrecision::Nanoseconds);
        assert_eq!(i.interfaces[1].link_type, LinkType::LINUX_SLL2);
        assert_eq!(i.interfaces[2].ticks_per_second, 1024);
        assert_eq!(i.interfaces[2].precision, TimePrecision::Milliseconds);
        assert_eq!(i.interfaces[2].ts_offset, 1000);
        let f = &o.frames;
        assert_eq!(f.len(), 4);
        assert_eq!(f.iter().map(|f| f.number).collect::<Vec<_>>(), [1, 2, 3, 4]);
        assert_eq!(f[0].ts, Timestamp::new(1_700_000_000, 1_000));
        assert_eq!(f[1].ts, Timestamp::new(1_700_000_000, 123_456_789));
        assert_eq!((f[1].interface, f[1].link_type), (1, LinkType::LINUX_SLL2));
        assert_eq!(f[1].orig_len, 200);
        assert_eq!(f[1].comments, ["hello\nworld"]);
        assert_eq!(f[2].ts, Timestamp::new(1005, 500_000_000));
        assert_eq!(f[2].link_type, LinkType::RAW);
        assert_eq!(f[3].ts, Timestamp::new(1_700_000_002, 0));
        assert_eq!(f[3].comments, ["old"]);
        assert_eq!(f[3].data, eth(4, 50));
    }
}

#[test]
fn pcapng_sections_reset_interfaces_and_keep_numbering() {
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    w.interface(&InterfaceDescription::new(1)).unwrap();
    w.interface(&InterfaceDescription::new(113)).unwrap();
    w.packet(1, (10, 0), &[0u8; 16]).unwrap();
    w.section(&SectionHeader {
        endian: Endian::Big,
        comment: Some("ignored: capinfos shows the first section".into()),
        ..SectionHeader::default()
    })
    .unwrap();
    w.interface(&InterfaceDescription::new(101)).unwrap();
    w.packet(0, (11, 0), &[0x45; 20]).unwrap();
    let good = w.into_inner().unwrap();
    let o = read(&good);
    assert_eq!(o.info.sections, 2);
    assert_eq!(o.info.comments, Vec::<String>::new());
    assert_eq!(o.info.interfaces.len(), 3);
    assert_eq!(o.info.interfaces[2].section, 1);
    assert_eq!(o.frames.len(), 2);
    assert_eq!((o.frames[1].number, o.frames[1].interface), (2, 2));
    assert_eq!(o.frames[1].link_type, LinkType::RAW);
    // In the new section interface 1 no longer exists.
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    w.interface(&InterfaceDescription::new(1)).unwrap();
    w.interface(&InterfaceDescription::new(1)).unwrap();
    w.packet(1, (10, 0), &[0u8; 16]).unwrap();
    w.section(&SectionHeader::default()).unwrap();
    w.interface(&InterfaceDescription::new(1)).unwrap();
    w.packet(0, (11, 0), &[0u8; 16]).unwrap();
    w.packet(1, (12, 0), &[0u8; 16]).unwrap();
    let o = read(&w.into_inner().unwrap());
    assert_eq!(o.frames.len(), 2);
    assert!(o.info.truncated);
    assert!(
        o.info.warnings[0].contains("frame 3") && o.info.warnings[0].contains("interface index 1")
    );
}

#[test]
fn pcapng_simple_packets_use_snaplen_and_have_no_time() {
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    w.interface(&InterfaceDescription {
        snaplen: 20,
        ..InterfaceDescription::new(1)
    })
    .unwrap();
    w.simple_packet(&eth(1, 20), 60).unwrap();
    w.simple_packet(&eth(2, 16), 16).unwrap();
    let o = read(&w.into_inner().unwrap());
    assert_eq!(o.frames.len(), 2);
    assert_eq!((o.frames[0].data.len(), o.frames[0].orig_len), (20, 60));
    assert_eq!(o.frames[1].data, eth(2, 16));
    assert!(o.frames.iter().all(|f| !f.has_ts));
    // A simple packet whose block is too small for its captured length is corrupt.
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    w.interface(&InterfaceDescription::new(1)).unwrap();
    w.simple_packet(&eth(1, 20), 100).unwrap();
    let o = read(&w.into_inner().unwrap());
    assert!(o.frames.is_empty() && o.info.truncated);
}

#[test]
fn pcapng_custom_blocks_use_up_a_frame_number() {
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    w.interface(&InterfaceDescription::new(1)).unwrap();
    w.packet(0, (1, 0), &eth(1, 20)).unwrap();
    w.raw_block(0x0BAD, &[1, 2, 3, 4, 5, 6, 7, 8]).unwrap();
    w.packet(0, (2, 0), &eth(2, 20)).unwrap();
    let o = read(&w.into_inner().unwrap());
    assert_eq!(
        o.frames.iter().map(|f| f.number).collect::<Vec<_>>(),
        [1, 3]
    );
    assert_eq!(o.frames_read, 3);
    assert_eq!(o.info.non_packet_records, 1);
}

fn two_packets_then(tail: impl FnOnce(&mut PcapngWriter<Vec<u8>>)) -> Outcome {
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    w.interface(&InterfaceDescription::new(1)).unwrap();
    w.packet(0, (1, 0), &eth(1, 20)).unwrap();
    w.packet(0, (2, 0), &eth(2, 20)).unwrap();
    tail(&mut w);
    w.packet(0, (3, 0), &eth(3, 20)).unwrap();
    read(&w.into_inner().unwrap())
}

/// An EPB's bytes with a custom header (total length and trailer).
fn epb_bytes(total: u32, trailer: u32, iface: u32, cap_len: u32, data_len: usize) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(&6u32.to_le_bytes());
    b.extend_from_slice(&total.to_le_bytes());
    for v in [iface, 0, 5, cap_len, cap_len] {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b.extend(std::iter::repeat_n(0xab, data_len));
    b.extend_from_slice(&trailer.to_le_bytes());
    b
}

#[test]
fn pcapng_corrupt_blocks_stop_reading_after_good_frames() {
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "trailer mismatch",
            epb_bytes(56, 60, 0, 24, 24),
            "don't match",
        ),
        (
            "bad interface",
            epb_bytes(56, 56, 7, 24, 24),
            "interface index 7",
        ),
        (
            "caplen beyond block",
            epb_bytes(56, 56, 0, 100, 24),
            "bigger than",
        ),
        (
            "too short",
            epb_bytes(24, 24, 0, 0, 0)[..24].to_vec(),
            "less than the minimum",
        ),
        (
            "huge length",
            epb_bytes(0xFFFF_FFFF, 56, 0, 24, 24),
            "too large",
        ),
        (
            "zero length",
            epb_bytes(0, 56, 0, 24, 24),
            "less than the minimum",
        ),
    ];
    for (what, bytes, expect) in cases {
        let o = two_packets_then(|w| w.raw_bytes(&bytes).unwrap());
        assert_eq!(o.frames.len(), 2, "{what}");
        assert!(o.info.truncated, "{what}");
        let w = &o.info.warnings[0];
        assert!(w.contains("frame 3") && w.contains(expect), "{what}: {w}");
        assert!(w.contains("byte offset 152"), "{what}: {w}");
    }
}

#[test]
fn pcapng_lengths_are_rounded_to_four_like_wireshark() {
    // Total length 54 (not a multiple of 4) and trailer 54: Wireshark rounds both to 56.
    let o = two_packets_then(|w| w.raw_bytes(&epb_bytes(54, 54, 0, 22, 24)).unwrap());
    assert_eq!(o.frames.len(), 4, "{:?}", o.info.warnings);
    assert!(!o.info.truncated);
}

#[test]
fn pcapng_truncated_last_block() {
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    w.interface(&InterfaceDescription::new(1)).unwrap();
    for i in 0..3 {
        w.packet(0, (i, 0), &eth(i as u8, 40)).unwrap();
    }
    let bytes = w.into_inner().unwrap();
    for cut in [1, 4, 30, 59] {
        let o = read(&bytes[..bytes.len() - cut]);
        assert_eq!(o.frames.len(), 2, "cut {cut}");
        assert!(o.info.truncated);
        assert!(o.info.warnings[0].contains("frame 3"));
    }
    // Only the section header: a valid, empty capture.
    let shb_only = PcapngWriter::with_defaults(Vec::new())
        .unwrap()
        .into_inner()
        .unwrap();
    let o = read(&shb_only);
    assert_eq!(
        (o.error, o.info.truncated, o.frames.len()),
        (None, false, 0)
    );
    // A section header cut short: unreadable.
    let o = read(&shb_only[..20]);
    assert!(matches!(o.error, Some(CaptureError::BadHeader { .. })));
}

#[test]
fn pcapng_bad_first_section_header_is_an_error() {
    let mut bytes = PcapngWriter::with_defaults(Vec::new())
        .unwrap()
        .into_inner()
        .unwrap();
    bytes[12] = 2; // major version 2
    let o = read(&bytes);
    let Some(CaptureError::BadHeader { reason, .. }) = o.error else {
        panic!("{:?}", o.error)
    };
    assert!(reason.contains("version 2.0"), "{reason}");
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_compressed_captures() {
    for plain in [
        pcap_file(PcapHeader::new(1), &three_frames()),
        rich_pcapng(Endian::Little),
    ] {
        let direct = read(&plain);
        let o = read(&gzip(&plain));
        assert!(o.info.compressed);
        assert_eq!(o.frames, direct.frames);
        assert_eq!(o.info.format, direct.info.format);
        // Two members, split anywhere.
        let mut two = gzip(&plain[..37]);
        two.extend(gzip(&plain[37..]));
        assert_eq!(read(&two).frames, direct.frames);
        // Cut short: frames before the cut survive, the damage is reported.
        let gz = gzip(&plain);
        let o = read(&gz[..gz.len() - 12]);
        assert!(o.info.truncated, "{:?}", o.info.warnings);
    }
    // A compressed non-capture says so.
    let o = read(&gzip(b"hello world"));
    let Some(
        e @ CaptureError::NotACapture {
            compressed: true, ..
        },
    ) = o.error
    else {
        panic!("{:?}", o.error)
    };
    assert!(e
        .to_string()
        .contains("gzip-compressed data starts with 68 65 6c 6c"));
}

#[test]
fn buffering_holds_at_most_one_record() {
    let big = eth(7, 9000);
    let frames: Vec<_> = (0..50).map(|i| ((i, 0), big.clone(), 9000)).collect();
    let record = 16 + 9000;
    // Nanosecond pcap: one record at most.
    let nano = PcapHeader {
        precision: Precision::Nano,
        ..PcapHeader::new(1)
    };
    let bytes = pcap_file(nano, &frames);
    for chunk in [1, 7, 4096, 65536] {
        let o = read_chunked(&bytes, chunk);
        assert_eq!(o.frames.len(), 50);
        assert!(
            o.max_pending <= record,
            "chunk {chunk}: {} pending",
            o.max_pending
        );
    }
    // Microsecond pcap: Wireshark's layout guess looks at the first three records first.
    let bytes = pcap_file(PcapHeader::new(1), &frames);
    let o = read_chunked(&bytes, 1);
    assert!(o.max_pending <= 3 * record, "{} pending", o.max_pending);
    // pcapng: one block.
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    w.interface(&InterfaceDescription::new(1)).unwrap();
    for i in 0..50 {
        w.packet(0, (i, 0), &big).unwrap();
    }
    let o = read_chunked(&w.into_inner().unwrap(), 1);
    assert_eq!(o.frames.len(), 50);
    assert!(o.max_pending <= 32 + 9000, "{} pending", o.max_pending);
}

#[test]
fn warnings_are_capped() {
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    for _ in 0..(MAX_WARNINGS + 10) {
        // 2^-64: an unusable resolution, one warning each.
        w.interface(&InterfaceDescription {
            extra_options: vec![BlockOption::new(9, OptionValue::U8(0xc0))],
            ..InterfaceDescription::new(1)
        })
        .unwrap();
    }
    let o = read(&w.into_inner().unwrap());
    assert_eq!(o.info.warnings.len(), MAX_WARNINGS + 1);
    assert_eq!(o.info.warnings.last().unwrap(), "... and 10 more warnings");
}

#[test]
fn decimal_formatting() {
    assert_eq!(
        Timestamp::new(12, 345_678_901).to_decimal(9),
        "12.345678901"
    );
    assert_eq!(Timestamp::new(12, 345_678_901).to_decimal(6), "12.345678");
    assert_eq!(Timestamp::new(12, 5).to_decimal(0), "12");
    assert_eq!(format_decimal_nanos(-1_500_000_000, 3), "-1.500");
}

/// A packet shorter than its link type's pseudo-header (a 3-byte Bluetooth H4 packet with
/// direction, 4-byte header) stops the read at that frame, as Wireshark 4.0's wiretap does
/// ("Bluetooth file has a 3-byte packet, too small to have even a pseudo-header").
#[test]
fn packets_shorter_than_the_pseudo_header_stop_the_read() {
    let sizes = [8usize, 3, 8];
    let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
    let iface = w.interface(&InterfaceDescription::new(201)).unwrap();
    for (i, &n) in sizes.iter().enumerate() {
        w.packet(iface, (i as u64, 0), &vec![1u8; n]).unwrap();
    }
    let pcapng = w.into_inner().unwrap();
    let frames: Vec<((u64, u32), Vec<u8>, u32)> = sizes
        .iter()
        .enumerate()
        .map(|(i, &n)| ((i as u64, 0), vec![1u8; n], n as u32))
        .collect();
    let pcap = pcap_file(PcapHeader::new(201), &frames);
    for (what, bytes) in [("pcapng", pcapng), ("pcap", pcap)] {
        let out = read(&bytes);
        assert_eq!(out.frames.len(), 1, "{what}");
        assert!(out.info.truncated, "{what}");
        let warning = out.info.warnings.first().cloned().unwrap_or_default();
        assert!(
            warning.starts_with("frame 2 at byte offset ")
                && warning.contains(
                    "a 3-byte packet is too small for the 4-byte pseudo-header of link type \
                     BLUETOOTH_HCI_H4_WITH_PHDR"
                ),
            "{what}: {warning}"
        );
    }
    // Exactly the pseudo-header's size is fine, and link types without one take any size.
    for (lt, n) in [(201u32, 4usize), (196, 5), (1, 1), (187, 0)] {
        let mut w = PcapngWriter::with_defaults(Vec::new()).unwrap();
        let iface = w.interface(&InterfaceDescription::new(lt as u16)).unwrap();
        w.packet(iface, (0, 0), &vec![0u8; n]).unwrap();
        let out = read(&w.into_inner().unwrap());
        assert_eq!((out.frames.len(), out.info.truncated), (1, false), "{lt}");
    }
}
