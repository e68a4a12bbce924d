//! Unit tests of the TCP engine, one per rule, on frames built here.

#[test]
fn print_sizes() {
    println!("Conn {}", super::TcpAnalyzer::connection_state_size());
    println!("Flow {}", std::mem::size_of::<super::seq::Flow>());
    println!("DirStats {}", std::mem::size_of::<super::conn::DirStats>());
    println!(
        "Unacked list {}",
        std::mem::size_of::<super::segments::UnackedList>()
    );
}

#[test]
fn print_report_sizes() {
    println!(
        "Connection {}",
        std::mem::size_of::<crate::report::tcp::Connection>()
    );
    println!("Issue {}", std::mem::size_of::<crate::report::tcp::Issue>());
}
