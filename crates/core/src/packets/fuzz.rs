//! Entry points for fuzzing and mutation tests of the packet engine: any bytes, as a capture,
//! through both passes with whole trees, columns and a filter that reads many fields. Nothing
//! may panic; every tree must serialize.

use super::query::{self, FrameTree, Plan};

/// A filter touching every layer and several operators, so the plan dissects everything.
const FILTER: &str = "frame.len > 0 || eth.addr[0:3] == 00:00:0c || ip.addr == 10.0.0.0/8 \
    || tcp.analysis.flags || udp.port in {53, 67..68, 5060} || dns.qry.name matches \"a\" \
    || tls.handshake.type == 1 || http.request || sip.Method == \"INVITE\" || icmp.resp_in";

/// Dissects every frame of `data` fully (trees and columns) after a first pass, turns each
/// into a [`FrameTree`] and its JSON, and evaluates a broad filter. Returns the frames seen.
pub fn dissect_all(data: &[u8]) -> u64 {
    let mut frames = 0;
    let Ok(filter) = crate::filter::compile(FILTER) else {
        return 0;
    };
    let Ok(plan) = Plan::new(Some(Box::new(filter)), &[], true, true) else {
        return 0;
    };
    query::scan_bytes(plan, data, |d| {
        frames += 1;
        let tree = FrameTree::from_dissection(d);
        let _ = serde_json::to_string(&tree);
        let _ = tree.to_text();
        for s in &tree.sources {
            let _ = query::hex_dump(&s.bytes);
        }
        let _ = query::PacketRow::from_dissection(d);
    });
    frames
}
