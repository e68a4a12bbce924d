//! DNS message builder (RFC 1035): queries and responses with A, AAAA, CNAME or raw records,
//! names compressed against the first question.

use std::net::{Ipv4Addr, Ipv6Addr};

/// Record types.
pub mod rtype {
    pub const A: u16 = 1;
    pub const NS: u16 = 2;
    pub const CNAME: u16 = 5;
    pub const SOA: u16 = 6;
    pub const PTR: u16 = 12;
    pub const MX: u16 = 15;
    pub const TXT: u16 = 16;
    pub const AAAA: u16 = 28;
    pub const SRV: u16 = 33;
    pub const HTTPS: u16 = 65;
}

/// Response codes.
pub mod rcode {
    pub const NOERROR: u16 = 0;
    pub const FORMERR: u16 = 1;
    pub const SERVFAIL: u16 = 2;
    pub const NXDOMAIN: u16 = 3;
    pub const REFUSED: u16 = 5;
}

/// Header flag bits.
pub mod flags {
    pub const QR: u16 = 0x8000;
    pub const AA: u16 = 0x0400;
    pub const TC: u16 = 0x0200;
    pub const RD: u16 = 0x0100;
    pub const RA: u16 = 0x0080;
}

/// A resource record. `name` None points at the first question's name (0xc00c).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Record {
    pub name: Option<String>,
    pub rtype: u16,
    pub class: u16,
    pub ttl: u32,
    pub rdata: Vec<u8>,
}

impl Record {
    pub fn a(ttl: u32, addr: Ipv4Addr) -> Self {
        Record {
            name: None,
            rtype: rtype::A,
            class: 1,
            ttl,
            rdata: addr.octets().to_vec(),
        }
    }
    pub fn aaaa(ttl: u32, addr: Ipv6Addr) -> Self {
        Record {
            name: None,
            rtype: rtype::AAAA,
            class: 1,
            ttl,
            rdata: addr.octets().to_vec(),
        }
    }
    pub fn cname(ttl: u32, target: &str) -> Self {
        let mut rdata = Vec::new();
        encode_name(target, &mut rdata);
        Record {
            name: None,
            rtype: rtype::CNAME,
            class: 1,
            ttl,
            rdata,
        }
    }
    /// The same record owned by `name` instead of the question's name.
    pub fn named(mut self, name: &str) -> Self {
        self.name = Some(name.to_string());
        self
    }
}

/// A DNS message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    pub id: u16,
    /// Flag bits plus opcode and rcode, as the second header word.
    pub flags: u16,
    /// (name, qtype); class IN.
    pub questions: Vec<(String, u16)>,
    pub answers: Vec<Record>,
    pub authorities: Vec<Record>,
    pub additionals: Vec<Record>,
}

impl Message {
    /// A recursive query for one name.
    pub fn query(id: u16, name: &str, qtype: u16) -> Self {
        Message {
            id,
            flags: flags::RD,
            questions: vec![(name.to_string(), qtype)],
            answers: Vec::new(),
            authorities: Vec::new(),
            additionals: Vec::new(),
        }
    }

    /// The recursive resolver's answer to [`Message::query`], with an rcode.
    pub fn response(id: u16, name: &str, qtype: u16, rcode: u16, answers: Vec<Record>) -> Self {
        Message {
            flags: flags::QR | flags::RD | flags::RA | (rcode & 0xf),
            answers,
            ..Self::query(id, name, qtype)
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(64);
        out.extend_from_slice(&self.id.to_be_bytes());
        out.extend_from_slice(&self.flags.to_be_bytes());
        for n in [
            self.questions.len(),
            self.answers.len(),
            self.authorities.len(),
            self.additionals.len(),
        ] {
            out.extend_from_slice(&(n as u16).to_be_bytes());
        }
        for (name, qtype) in &self.questions {
            encode_name(name, &mut out);
            out.extend_from_slice(&qtype.to_be_bytes());
            out.extend_from_slice(&1u16.to_be_bytes());
        }
        for r in self
            .answers
            .iter()
            .chain(&self.authorities)
            .chain(&self.additionals)
        {
            match &r.name {
                Some(n) => encode_name(n, &mut out),
                None => out.extend_from_slice(&[0xc0, 0x0c]),
            }
            out.extend_from_slice(&r.rtype.to_be_bytes());
            out.extend_from_slice(&r.class.to_be_bytes());
            out.extend_from_slice(&r.ttl.to_be_bytes());
            out.extend_from_slice(&(r.rdata.len() as u16).to_be_bytes());
            out.extend_from_slice(&r.rdata);
        }
        out
    }
}

/// Appends `name` as uncompressed labels ("" or "." is the root).
pub fn encode_name(name: &str, out: &mut Vec<u8>) {
    for label in name.split('.').filter(|l| !l.is_empty()) {
        let bytes = &label.as_bytes()[..label.len().min(63)];
        out.push(bytes.len() as u8);
        out.extend_from_slice(bytes);
    }
    out.push(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_query_bytes() {
        let q = Message::query(0x1234, "a.bc", rtype::A).to_bytes();
        assert_eq!(
            q,
            [
                0x12, 0x34, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 1, b'a', 2, b'b', b'c', 0, 0, 1, 0,
                1
            ]
        );
    }

    #[test]
    fn test_response_with_pointer() {
        let r = Message::response(
            7,
            "example.com",
            rtype::A,
            rcode::NOERROR,
            vec![Record::a(300, Ipv4Addr::new(1, 2, 3, 4))],
        )
        .to_bytes();
        assert_eq!(&r[2..4], &[0x81, 0x80]);
        assert_eq!(&r[6..8], &[0, 1]);
        let ans = &r[12 + 13 + 4..];
        assert_eq!(
            ans,
            &[0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 1, 44, 0, 4, 1, 2, 3, 4]
        );
    }

    #[test]
    fn test_nxdomain_flags() {
        let r = Message::response(1, "nope.invalid", rtype::AAAA, rcode::NXDOMAIN, vec![]);
        assert_eq!(r.to_bytes()[3] & 0xf, 3);
    }
}
