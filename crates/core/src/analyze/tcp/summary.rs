//! Builds the TCP report section from the connections and flagged frames: per-connection
//! records, the mcpcap summaries (connections, retransmissions, RST distribution, traffic flow)
//! and the `server_ip` / `server_port` filter.

use std::collections::HashMap;
use std::net::IpAddr;

use super::conn::{completeness, Conn, DirStats, Handshake, SynOpts};
use super::{
    endpoint_string, flags, ConnStore, IssueRecord, DEFAULT_RETRANSMISSION_THRESHOLD, MAX_ISSUES,
};
use crate::analyze::Config;
use crate::report::tcp::{
    AnalysisCounts, Connection, DirectionStats, Issue, RstSource, SynOptions, TcpSection, Word,
};

/// mcpcap's server filter, parsed.
#[derive(Debug, Default)]
pub(crate) struct Filter {
    ip: Option<IpAddr>,
    port: Option<u16>,
    /// The server_ip given does not parse: nothing matches.
    bad_ip: Option<String>,
}

impl Filter {
    pub fn from_config(config: &Config) -> Self {
        let mut f = Filter {
            port: config.server_port,
            ..Filter::default()
        };
        if let Some(text) = &config.server_ip {
            match text
                .trim()
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
            {
                Ok(ip) => f.ip = Some(ip),
                Err(_) => f.bad_ip = Some(text.clone()),
            }
        }
        f
    }

    fn matches(&self, c: &Conn) -> bool {
        if self.bad_ip.is_some() {
            return false;
        }
        let ip_ok = self
            .ip
            .is_none_or(|ip| (0..2).any(|i| endpoint_addr(c, i) == ip));
        let port_ok = self.port.is_none_or(|p| c.endpoints.port.contains(&p));
        ip_ok && port_ok
    }
}

fn endpoint_addr(c: &Conn, flow: usize) -> IpAddr {
    c.endpoints.ip(flow)
}

fn endpoint(c: &Conn, flow: usize) -> String {
    endpoint_string(endpoint_addr(c, flow), c.endpoints.port[flow & 1])
}

/// Wireshark's label for a `tcp.completeness` value.
pub(crate) fn completeness_label(v: u8) -> Word {
    use completeness::*;
    Word::Borrowed(match v {
        x if x == SYN => "Incomplete, SYN_SENT",
        x if x == SYN | SYN_ACK => "Incomplete, CLIENT_ESTABLISHED",
        x if x == SYN | SYN_ACK | ACK => "Incomplete, ESTABLISHED",
        x if x == SYN | SYN_ACK | ACK | DATA => "Incomplete, DATA",
        31 | 47 | 63 => "Complete, WITH_DATA",
        23 | 39 | 55 => "Complete, NO_DATA",
        n => return Word::Owned(format!("Incomplete ({n})")),
    })
}

fn direction(d: &DirStats) -> DirectionStats {
    DirectionStats {
        packets: u64::from(d.packets),
        bytes: d.bytes,
        payload_bytes: d.payload_bytes,
        data_packets: u64::from(d.data_packets),
        syn: u64::from(d.syn),
        syn_ack: u64::from(d.syn_ack),
        fin: u64::from(d.fin),
        rst: u64::from(d.rst),
        retransmissions: u64::from(d.retransmissions),
    }
}

fn add_direction(total: &mut DirectionStats, d: &DirectionStats) {
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

fn options(o: &SynOpts) -> Option<SynOptions> {
    o.seen.then_some(SynOptions {
        mss: o.mss,
        wscale: o.wscale,
        sack_perm: o.sack_perm,
        timestamps: o.timestamps,
    })
}

fn analysis_counts(c: &Conn) -> AnalysisCounts {
    let n = |flag: u16| {
        c.analysis
            .as_ref()
            .map_or(0, |a| u64::from(a[flag.trailing_zeros() as usize]))
    };
    AnalysisCounts {
        // tshark's tcp.analysis.retransmission: plain, fast and spurious ones.
        retransmission: u64::from(c.dir[0].retransmissions) + u64::from(c.dir[1].retransmissions),
        fast_retransmission: n(flags::FAST_RETRANSMISSION),
        spurious_retransmission: n(flags::SPURIOUS_RETRANSMISSION),
        duplicate_ack: n(flags::DUPLICATE_ACK),
        zero_window: n(flags::ZERO_WINDOW),
        zero_window_probe: n(flags::ZERO_WINDOW_PROBE),
        zero_window_probe_ack: n(flags::ZERO_WINDOW_PROBE_ACK),
        out_of_order: n(flags::OUT_OF_ORDER),
        lost_segment: n(flags::LOST_SEGMENT),
        ack_lost_segment: n(flags::ACK_LOST_SEGMENT),
        keep_alive: n(flags::KEEP_ALIVE),
        keep_alive_ack: n(flags::KEEP_ALIVE_ACK),
        window_update: n(flags::WINDOW_UPDATE),
        window_full: n(flags::WINDOW_FULL),
        reused_ports: n(flags::REUSED_PORTS),
    }
}

fn who(client: bool, server: bool) -> Option<Word> {
    match (client, server) {
        (true, true) => Some(Word::Borrowed("both")),
        (true, false) => Some(Word::Borrowed("client")),
        (false, true) => Some(Word::Borrowed("server")),
        (false, false) => None,
    }
}

fn connection(stream: usize, c: &Conn, threshold: f64) -> Connection {
    let ci = usize::from(c.client & 1);
    let si = 1 - ci;
    let (cd, sd) = (&c.dir[ci], &c.dir[si]);
    let packets = u64::from(cd.packets) + u64::from(sd.packets);
    let analysis = analysis_counts(c);
    // Timestamps may go backwards in a damaged or merged capture.
    let duration = c.last_ts.saturating_sub(c.first_ts) as f64 / 1e9;
    let bps = |d: &DirStats| (duration > 0.0).then(|| d.payload_bytes as f64 * 8.0 / duration);
    let rst = cd.rst > 0 || sd.rst > 0;
    let close = if rst {
        "rst"
    } else {
        match (cd.fin > 0, sd.fin > 0) {
            (true, true) => "fin",
            (true, false) | (false, true) => "half_fin",
            _ => "open",
        }
    };
    let retransmission_rate = if packets > 0 {
        analysis.retransmission as f64 / packets as f64
    } else {
        0.0
    };
    Connection {
        stream: stream as u64,
        client: endpoint(c, ci),
        server: endpoint(c, si),
        syn_seen: c.client_from_syn,
        first_frame: u64::from(c.first_frame),
        last_frame: u64::from(c.last_frame),
        first_time: c.first_ts as f64 / 1e9,
        last_time: c.last_ts as f64 / 1e9,
        duration_s: duration,
        packets,
        bytes: cd.bytes + sd.bytes,
        payload_bytes: cd.payload_bytes + sd.payload_bytes,
        client_to_server: direction(cd),
        server_to_client: direction(sd),
        handshake_completed: c.handshake == Handshake::Done,
        close: Word::Borrowed(close),
        rst_from: who(cd.rst > 0, sd.rst > 0),
        fin_from: who(cd.fin > 0, sd.fin > 0),
        conn_state: Word::Borrowed(c.conn_state()),
        history: c.history_string(),
        completeness: c.completeness,
        completeness_label: completeness_label(c.completeness),
        irtt_s: (c.irtt_ns != 0).then(|| c.irtt_ns as f64 / 1e9),
        client_options: options(&c.opts[ci]),
        server_options: options(&c.opts[si]),
        analysis,
        retransmission_rate,
        high_retransmission: retransmission_rate > threshold,
        client_to_server_bps: bps(cd),
        server_to_client_bps: bps(sd),
    }
}

fn issue(r: &IssueRecord) -> Issue {
    let bit = usize::from(r.bit);
    let flag = 1u16 << r.bit;
    let kind = flags::NAMES
        .get(bit)
        .copied()
        .unwrap_or("unknown")
        .to_string();
    let mut issue = Issue {
        frame: u64::from(r.frame),
        stream: u64::from(r.stream),
        kind,
        message: flags::MESSAGES.get(bit).copied().unwrap_or("").to_string(),
        from: if r.from_client { "client" } else { "server" }.to_string(),
        ..Issue::default()
    };
    if flag == flags::DUPLICATE_ACK {
        issue.message = format!("[TCP Dup ACK {}#{}]", r.aux_frame, r.aux);
        issue.dup_ack_of = Some(u64::from(r.aux_frame));
        issue.dup_ack_num = Some(u64::from(r.aux));
    } else if flag == flags::RETRANSMISSION && r.rto_ns != 0 {
        // Wireshark shows the RTO and its frame only when the time is not zero.
        issue.original_frame = Some(u64::from(r.aux));
        issue.rto_s = Some(r.rto_ns as f64 / 1e9);
    }
    issue
}

pub(crate) fn build(
    conns: ConnStore,
    issues: &[IssueRecord],
    issues_dropped: u64,
    filter: &Filter,
) -> TcpSection {
    let threshold = DEFAULT_RETRANSMISSION_THRESHOLD;
    let mut section = TcpSection::default();
    let selected: Vec<bool> = conns.iter().map(|c| filter.matches(c)).collect();
    let mut rst_by_source: HashMap<IpAddr, u64> = HashMap::new();
    let mut worst: Option<(u64, f64)> = None;

    // Reserved up front: pages are touched only as records are written, while the state
    // chunks behind them are freed, so the peak stays near the larger of the two.
    section
        .connections
        .reserve_exact(selected.iter().filter(|s| **s).count());
    let streams = conns
        .into_chunks()
        .into_iter()
        .flat_map(|chunk| chunk.into_iter())
        .enumerate();
    for (stream, c) in streams {
        let c = &c;
        if !selected[stream] {
            continue;
        }
        let conn = connection(stream, c, threshold);
        let s = &mut section.summary;
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

        let r = &mut section.retransmissions;
        r.total_retransmissions += conn.analysis.retransmission;
        r.total_packets += conn.packets;
        if conn.high_retransmission {
            r.connections_above_threshold += 1;
        }
        if conn.retransmission_rate > 0.0 && worst.is_none_or(|(_, w)| conn.retransmission_rate > w)
        {
            worst = Some((conn.stream, conn.retransmission_rate));
        }

        let d = &mut section.rst_distribution;
        for (flow, dir) in c.dir.iter().enumerate() {
            if dir.rst > 0 {
                *rst_by_source.entry(endpoint_addr(c, flow)).or_default() += u64::from(dir.rst);
            }
        }
        d.to_server += conn.client_to_server.rst;
        d.from_server += conn.server_to_client.rst;
        if conn.close == "rst" {
            d.connections_with_rst.push(conn.stream);
        }

        add_direction(&mut section.flow.client_to_server, &conn.client_to_server);
        add_direction(&mut section.flow.server_to_client, &conn.server_to_client);
        section.connections.push(conn);
    }

    let s = &mut section.summary;
    s.active_connections = s.total_connections - s.reset_connections - s.normal_close;
    s.syn_ack_ratio = (s.syn_packets > 0).then(|| s.syn_ack_packets as f64 / s.syn_packets as f64);

    let r = &mut section.retransmissions;
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

    let d = &mut section.rst_distribution;
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

    let f = &mut section.flow;
    let (c2s, s2c) = (f.client_to_server.packets, f.server_to_client.packets);
    f.asymmetry_ratio = (s2c > 0).then(|| c2s as f64 / s2c as f64);
    f.data_flow_direction = match f.asymmetry_ratio {
        Some(r) if r > 1.2 => "client_heavy",
        Some(r) if r < 0.8 => "server_heavy",
        Some(_) => "balanced",
        // Nothing came back from servers: all traffic is client to server.
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

    section.issues = issues
        .iter()
        .filter(|r| selected.get(r.stream as usize).copied().unwrap_or(false))
        .map(issue)
        .collect();
    if issues_dropped > 0 {
        section.issues_truncated = true;
        section.notes.push(format!(
            "issues: only the first {MAX_ISSUES} flagged frames are listed ({issues_dropped} more not listed); the counts include them all"
        ));
    }
    if let Some(bad) = &filter.bad_ip {
        section.notes.push(format!(
            "server_ip filter {bad:?} is not an IP address: no connection matches"
        ));
    }
    section
}
