//! mcpcap's `server_ip` / `server_port` filters, applied to an unfiltered report's TCP section.
//!
//! The core applies the same filter when it is given in `Config`; doing it here instead lets
//! one cached analysis serve every tool call, whatever filters they pass. The aggregates are
//! recomputed from the selected connections exactly as the core builds them (the tests check
//! the two agree).

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use pcaplens_core::report::tcp::{Connection, DirectionStats, RstSource, TcpSection};

/// The filter, parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ServerFilter {
    pub ip: Option<IpAddr>,
    pub port: Option<u16>,
}

impl ServerFilter {
    /// Parses `server_ip` as mcpcap takes it (an IPv6 address may be bracketed).
    pub fn parse(server_ip: Option<&str>, server_port: Option<u16>) -> Result<Self, String> {
        let ip = match server_ip.map(str::trim).filter(|s| !s.is_empty()) {
            None => None,
            Some(text) => Some(
                text.trim_start_matches('[')
                    .trim_end_matches(']')
                    .parse::<IpAddr>()
                    .map_err(|_| format!("server_ip: '{text}' is not an IP address"))?,
            ),
        };
        Ok(ServerFilter {
            ip,
            port: server_port,
        })
    }

    pub fn is_empty(&self) -> bool {
        self.ip.is_none() && self.port.is_none()
    }

    /// Either endpoint has the address, and either has the port (the core's rule).
    pub fn matches(&self, c: &Connection) -> bool {
        let ends = [endpoint(&c.client), endpoint(&c.server)];
        let ip_ok = self
            .ip
            .is_none_or(|ip| ends.iter().flatten().any(|e| e.ip() == ip));
        let port_ok = self
            .port
            .is_none_or(|p| ends.iter().flatten().any(|e| e.port() == p));
        ip_ok && port_ok
    }
}

/// `"ip:port"` / `"[v6]:port"` as the report writes endpoints.
pub fn endpoint(text: &str) -> Option<SocketAddr> {
    text.parse().ok()
}

/// The TCP section as the core would have built it with this filter.
pub fn filtered(section: &TcpSection, filter: &ServerFilter) -> TcpSection {
    if filter.is_empty() {
        return section.clone();
    }
    let mut out = TcpSection {
        issues_truncated: section.issues_truncated,
        ..TcpSection::default()
    };
    let threshold = section.retransmissions.threshold;
    let mut rst_by_source: HashMap<IpAddr, u64> = HashMap::new();
    let mut worst: Option<(u64, f64)> = None;
    for conn in section.connections.iter().filter(|c| filter.matches(c)) {
        let s = &mut out.summary;
        s.total_connections += 1;
        if conn.handshake_completed {
            s.successful_handshakes += 1;
        } else if conn.syn_seen {
            s.failed_handshakes += 1;
        }
        if !conn.syn_seen {
            s.midstream_connections += 1;
        }
        match &*conn.close {
            "rst" => s.reset_connections += 1,
            "fin" => s.normal_close += 1,
            _ => {}
        }
        s.syn_packets += conn.client_to_server.syn + conn.server_to_client.syn;
        s.syn_ack_packets += conn.client_to_server.syn_ack + conn.server_to_client.syn_ack;
        s.tcp_packets += conn.packets;
        s.analysis.add(&conn.analysis);

        let r = &mut out.retransmissions;
        r.total_retransmissions += conn.analysis.retransmission;
        r.total_packets += conn.packets;
        if conn.high_retransmission {
            r.connections_above_threshold += 1;
        }
        if conn.retransmission_rate > 0.0 && worst.is_none_or(|(_, w)| conn.retransmission_rate > w)
        {
            worst = Some((conn.stream, conn.retransmission_rate));
        }

        let d = &mut out.rst_distribution;
        for (end, dir) in [
            (&conn.client, &conn.client_to_server),
            (&conn.server, &conn.server_to_client),
        ] {
            if let (Some(e), true) = (endpoint(end), dir.rst > 0) {
                *rst_by_source.entry(e.ip()).or_default() += dir.rst;
            }
        }
        d.to_server += conn.client_to_server.rst;
        d.from_server += conn.server_to_client.rst;
        if conn.close == "rst" {
            d.connections_with_rst.push(conn.stream);
        }
        add_direction(&mut out.flow.client_to_server, &conn.client_to_server);
        add_direction(&mut out.flow.server_to_client, &conn.server_to_client);
        out.connections.push(conn.clone());
    }

    let s = &mut out.summary;
    s.active_connections = s.total_connections - s.reset_connections - s.normal_close;
    s.syn_ack_ratio = (s.syn_packets > 0).then(|| s.syn_ack_packets as f64 / s.syn_packets as f64);

    let r = &mut out.retransmissions;
    r.threshold = threshold;
    r.rate = if r.total_packets > 0 {
        r.total_retransmissions as f64 / r.total_packets as f64
    } else {
        0.0
    };
    r.exceeds_threshold = r.rate > threshold;
    if let Some((stream, rate)) = worst {
        r.worst_stream = Some(stream);
        r.worst_rate = rate;
    }

    let d = &mut out.rst_distribution;
    d.total = d.to_server + d.from_server;
    let mut by_source: Vec<(IpAddr, u64)> = rst_by_source.into_iter().collect();
    by_source.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    d.by_source = by_source
        .into_iter()
        .map(|(ip, count)| RstSource {
            ip: ip.to_string(),
            count,
        })
        .collect();

    let f = &mut out.flow;
    let (c2s, s2c) = (f.client_to_server.packets, f.server_to_client.packets);
    f.asymmetry_ratio = (s2c > 0).then(|| c2s as f64 / s2c as f64);
    f.data_flow_direction = match f.asymmetry_ratio {
        Some(r) if r > 1.2 => "client_heavy",
        Some(r) if r < 0.8 => "server_heavy",
        Some(_) => "balanced",
        None if c2s > 0 => "client_heavy",
        None => "balanced",
    }
    .into();
    f.primary_rst_source = match d.to_server.cmp(&d.from_server) {
        std::cmp::Ordering::Greater => "client",
        std::cmp::Ordering::Less => "server",
        std::cmp::Ordering::Equal => "balanced",
    }
    .into();

    let streams: std::collections::HashSet<u64> =
        out.connections.iter().map(|c| c.stream).collect();
    out.issues = section
        .issues
        .iter()
        .filter(|i| streams.contains(&i.stream))
        .cloned()
        .collect();
    out.notes = section
        .notes
        .iter()
        .filter(|n| n.starts_with("issues:"))
        .cloned()
        .collect();
    out
}

pub fn add_direction(total: &mut DirectionStats, d: &DirectionStats) {
    total.packets += d.packets;
    total.bytes += d.bytes;
    total.payload_bytes += d.payload_bytes;
    total.data_packets += d.data_packets;
    total.syn += d.syn;
    total.syn_ack += d.syn_ack;
    total.fin += d.fin;
    total.rst += d.rst;
    total.retransmissions += d.retransmissions;
}

#[cfg(test)]
mod tests {
    use super::*;
    use pcaplens_core::{analyze_bytes, Config};

    /// The filter applied here equals the core's, on the demo capture and every filter that
    /// selects something or nothing.
    #[test]
    fn equals_the_core_filter() {
        let capture = pcaplens_synth::demo::demo_capture();
        let all = analyze_bytes(&capture, &Config::default());
        assert!(all.tcp.connections.len() >= 3);
        let mut cases: Vec<(Option<String>, Option<u16>)> = vec![(None, Some(443))];
        for c in &all.tcp.connections {
            let server = endpoint(&c.server).unwrap();
            let client = endpoint(&c.client).unwrap();
            cases.push((Some(server.ip().to_string()), None));
            cases.push((Some(client.ip().to_string()), Some(server.port())));
            cases.push((None, Some(client.port())));
        }
        cases.push((Some("10.99.99.99".into()), None));
        for (ip, port) in cases {
            let core = analyze_bytes(
                &capture,
                &Config {
                    server_ip: ip.clone(),
                    server_port: port,
                    ..Config::default()
                },
            );
            let filter = ServerFilter::parse(ip.as_deref(), port).unwrap();
            assert_eq!(filtered(&all.tcp, &filter), core.tcp, "{ip:?} {port:?}");
        }
    }

    #[test]
    fn bad_addresses_are_errors() {
        assert!(ServerFilter::parse(Some("nope"), None).is_err());
        assert_eq!(
            ServerFilter::parse(Some("[2001:db8::1]"), Some(5)).unwrap(),
            ServerFilter {
                ip: Some("2001:db8::1".parse().unwrap()),
                port: Some(5)
            }
        );
        assert!(ServerFilter::parse(Some(""), None).unwrap().is_empty());
    }
}
