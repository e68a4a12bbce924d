//! Which application protocol a UDP/TCP port pair carries, decided as Wireshark's port tables do.
//!
//! Wireshark tries the lower port first, then the higher one, and the first port registered to
//! any dissector wins. So a datagram between port 53 and port 5060 is DNS, and one from the
//! registered port 123 (NTP) to 5353 is not mDNS. [`REGISTERED_UDP`] lists the registered
//! UDP ports below 5356 that clients plausibly use as a source port; it is an approximation of
//! Wireshark's full table, enough to keep DNS/DHCP from claiming other protocols' traffic.

/// Application protocols decided by port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum App {
    Dns,
    Mdns,
    Llmnr,
    Dhcp,
    Dhcpv6,
    /// A port registered to some other Wireshark dissector.
    Other,
}

/// UDP ports (sorted) registered to Wireshark dissectors, ours included.
pub const REGISTERED_UDP: &[u16] = &[
    7, 9, 13, 19, 37, 49, 53, 67, 68, 69, 88, 111, 123, 137, 138, 161, 162, 177, 389, 427, 443,
    500, 514, 520, 546, 547, 623, 1194, 1645, 1646, 1701, 1812, 1813, 1900, 2049, 2123, 2152, 3478,
    3544, 3702, 4500, 4789, 5060, 5353, 5355,
];

fn udp_port_app(port: u16) -> Option<App> {
    match port {
        53 => Some(App::Dns),
        5353 => Some(App::Mdns),
        5355 => Some(App::Llmnr),
        67 | 68 => Some(App::Dhcp),
        546 | 547 => Some(App::Dhcpv6),
        p if REGISTERED_UDP.binary_search(&p).is_ok() => Some(App::Other),
        _ => None,
    }
}

/// The protocol of a UDP datagram by its ports (lower port first; port 0 ignored).
pub fn udp_app(src_port: u16, dst_port: u16) -> Option<App> {
    let (low, high) = if src_port <= dst_port {
        (src_port, dst_port)
    } else {
        (dst_port, src_port)
    };
    [low, high]
        .into_iter()
        .filter(|&p| p != 0)
        .find_map(udp_port_app)
}

/// DNS over TCP: Wireshark's default TCP range for DNS is 53 and 5353.
pub fn tcp_is_dns(src_port: u16, dst_port: u16) -> bool {
    let (low, high) = if src_port <= dst_port {
        (src_port, dst_port)
    } else {
        (dst_port, src_port)
    };
    for port in [low, high] {
        if matches!(port, 53 | 5353) {
            return true;
        }
        if tcp_port_registered(port) {
            return false;
        }
    }
    false
}

fn tcp_port_registered(port: u16) -> bool {
    // Well-known TCP service ports that Wireshark would pick before DNS.
    matches!(
        port,
        1..=52
            | 80
            | 88
            | 110
            | 111
            | 119
            | 135
            | 139
            | 143
            | 389
            | 443
            | 445
            | 465
            | 587
            | 993
            | 995
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_lower_port_first() {
        assert!(REGISTERED_UDP.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(udp_app(40000, 53), Some(App::Dns));
        assert_eq!(udp_app(53, 40000), Some(App::Dns));
        assert_eq!(udp_app(5353, 5353), Some(App::Mdns));
        assert_eq!(udp_app(51000, 5355), Some(App::Llmnr));
        assert_eq!(udp_app(68, 67), Some(App::Dhcp));
        assert_eq!(udp_app(546, 547), Some(App::Dhcpv6));
        assert_eq!(udp_app(53, 5060), Some(App::Dns));
        assert_eq!(udp_app(123, 5353), Some(App::Other));
        assert_eq!(udp_app(40000, 40001), None);
        assert_eq!(udp_app(0, 53), Some(App::Dns));
        assert!(tcp_is_dns(40093, 53));
        assert!(tcp_is_dns(53, 40093));
        assert!(!tcp_is_dns(443, 5353));
        assert!(!tcp_is_dns(80, 40000));
    }
}
