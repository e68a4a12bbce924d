//! Wireshark's default colouring rules (its `colorfilters` file), in its order: the first rule
//! whose filter matches a frame colours its row. Names of protocols pcaplens does not dissect
//! are left out of a rule (such a protocol is never present, so the rule selects the same
//! frames); rules that name only such protocols are left out.

use pcaplens_core::filter::{self, Filter};

/// One rule: its name (shown as the row's tooltip), CSS class and filter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rule {
    pub name: &'static str,
    /// `pkt-<class>` in style.css (light and dark variants).
    pub class: &'static str,
    pub filter: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        name: "Bad TCP",
        class: "bad-tcp",
        filter: "tcp.analysis.flags && !tcp.analysis.window_update && !tcp.analysis.keep_alive && !tcp.analysis.keep_alive_ack",
    },
    Rule {
        name: "ICMP errors",
        class: "icmp-error",
        filter: "icmp.type in { 3..5, 11 } || icmpv6.type in { 1..4 }",
    },
    Rule {
        name: "ARP",
        class: "arp",
        filter: "arp",
    },
    Rule {
        name: "ICMP",
        class: "icmp",
        filter: "icmp || icmpv6",
    },
    Rule {
        name: "TCP RST",
        class: "tcp-rst",
        filter: "tcp.flags.reset eq 1",
    },
    Rule {
        name: "TTL low or unexpected",
        class: "ttl",
        filter: "(ip.dst != 224.0.0.0/4 && ip.ttl < 5) || (ip.dst == 224.0.0.0/24 && ip.dst != 224.0.0.251 && ip.ttl != 1)",
    },
    Rule {
        name: "Checksum Errors",
        class: "checksum",
        filter: "ip.checksum.status == \"Bad\" || tcp.checksum.status == \"Bad\" || udp.checksum.status == \"Bad\" || icmp.checksum.status == \"Bad\"",
    },
    Rule {
        name: "HTTP",
        class: "http",
        filter: "http || tcp.port == 80",
    },
    Rule {
        name: "Routing",
        class: "routing",
        filter: "igmp",
    },
    Rule {
        name: "TCP SYN/FIN",
        class: "syn-fin",
        filter: "tcp.flags & 0x02 || tcp.flags.fin == 1",
    },
    Rule {
        name: "TCP",
        class: "tcp",
        filter: "tcp",
    },
    Rule {
        name: "UDP",
        class: "udp",
        filter: "udp",
    },
    Rule {
        name: "Broadcast",
        class: "broadcast",
        // Wireshark writes `eth[0] & 1` (any group address); slices with `&` are not supported.
        filter: "eth.dst == ff:ff:ff:ff:ff:ff",
    },
];

/// The rules compiled, in order (a rule whose filter does not compile is kept as `None`, so
/// indices stay those of [`RULES`]).
pub fn compiled() -> Vec<Option<Filter>> {
    RULES
        .iter()
        .map(|r| filter::compile(r.filter).ok())
        .collect()
}

/// The CSS class of rule `index` (`""` for none).
pub fn class_of(index: Option<u8>) -> &'static str {
    index
        .and_then(|i| RULES.get(usize::from(i)))
        .map_or("", |r| r.class)
}

/// The name of rule `index`.
pub fn name_of(index: Option<u8>) -> &'static str {
    index
        .and_then(|i| RULES.get(usize::from(i)))
        .map_or("", |r| r.name)
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcaplens_core::packets::query::{scan_bytes, Matcher, Plan};

    #[test]
    fn every_rule_compiles() {
        for (rule, compiled) in RULES.iter().zip(compiled()) {
            assert!(compiled.is_some(), "{} does not compile", rule.filter);
        }
        assert!(RULES.len() < usize::from(u8::MAX));
    }

    #[test]
    fn the_demo_colours_its_handshake_and_dns() {
        // The demo capture: DNS, a TCP handshake (SYN/FIN colour), TLS over TCP.
        let capture = pcaplens_synth::demo::demo_capture();
        let rules = compiled();
        let mut fields: Vec<&'static str> = Vec::new();
        for f in rules.iter().flatten() {
            fields.extend(Matcher::fields(f).iter().map(|d| d.name));
        }
        let plan = Plan::new(None, &fields, true, false).unwrap();
        let mut classes = Vec::new();
        scan_bytes(plan, &capture, |d| {
            let first = rules
                .iter()
                .position(|f| f.as_ref().is_some_and(|f| f.matches(d)));
            classes.push(class_of(first.and_then(|i| u8::try_from(i).ok())));
        });
        assert!(classes.contains(&"syn-fin"), "{classes:?}");
        assert!(classes.contains(&"udp"), "{classes:?}");
        assert!(classes.contains(&"tcp"), "{classes:?}");
    }
}
