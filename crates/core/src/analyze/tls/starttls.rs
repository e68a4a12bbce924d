//! STARTTLS: plaintext protocols that switch to TLS mid-stream, as Wireshark follows them
//! (`ssl_starttls_ack`): the client asks (SMTP/IMAP `STARTTLS`, POP3 `STLS`, FTP `AUTH TLS`,
//! XMPP `<starttls/>`, LDAP's StartTLS extended operation, PostgreSQL's SSLRequest), the server
//! agrees (SMTP 220, IMAP OK, POP3 +OK, FTP 234, XMPP `<proceed/>`, LDAP success, PostgreSQL
//! `S`), and from the next bytes on both directions are TLS. An HTTP proxy's `CONNECT` answered
//! with 2xx is followed the same way (Wireshark dissects the tunnel).

/// A protocol with a STARTTLS-style upgrade, by its well-known server port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartTls {
    Smtp,
    Imap,
    Pop3,
    Ftp,
    Xmpp,
    Ldap,
    Postgres,
    /// `CONNECT` through an HTTP proxy.
    HttpConnect,
}

/// Plaintext bytes per stream looked at for the upgrade before giving up on it.
pub const MAX_PRELUDE_BYTES: u32 = 64 * 1024;

/// PostgreSQL's SSLRequest: length 8, code 80877103.
const PG_SSL_REQUEST: [u8; 8] = [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f];
/// LDAP's StartTLS extended operation.
const LDAP_STARTTLS_OID: &[u8] = b"1.3.6.1.4.1.1466.20037";

impl StartTls {
    /// The protocol served on `port`, if it has an upgrade.
    pub fn for_server_port(port: u16) -> Option<StartTls> {
        Some(match port {
            25 | 587 => StartTls::Smtp,
            143 => StartTls::Imap,
            110 => StartTls::Pop3,
            21 => StartTls::Ftp,
            5222 => StartTls::Xmpp,
            389 => StartTls::Ldap,
            5432 => StartTls::Postgres,
            // Wireshark's HTTP ports.
            80 | 3128 | 3132 | 5985 | 8080 | 8088 | 11371 | 1900 | 2869 | 2710 => {
                StartTls::HttpConnect
            }
            _ => return None,
        })
    }

    pub fn name(self) -> &'static str {
        match self {
            StartTls::Smtp => "smtp",
            StartTls::Imap => "imap",
            StartTls::Pop3 => "pop3",
            StartTls::Ftp => "ftp",
            StartTls::Xmpp => "xmpp",
            StartTls::Ldap => "ldap",
            StartTls::Postgres => "pgsql",
            StartTls::HttpConnect => "http",
        }
    }

    /// Whether these client bytes ask for the upgrade.
    pub fn is_request(self, data: &[u8]) -> bool {
        match self {
            StartTls::Smtp => lines(data).any(|l| l.eq_ignore_ascii_case(b"STARTTLS")),
            StartTls::Imap => lines(data).any(|l| {
                let mut words = l.split(|&b| b == b' ');
                words.next().is_some_and(|tag| !tag.is_empty())
                    && words
                        .next()
                        .is_some_and(|c| c.eq_ignore_ascii_case(b"STARTTLS"))
            }),
            StartTls::Pop3 => lines(data).any(|l| l.eq_ignore_ascii_case(b"STLS")),
            StartTls::Ftp => lines(data).any(|l| {
                l.len() >= 8
                    && l[..5].eq_ignore_ascii_case(b"AUTH ")
                    && (l[5..8].eq_ignore_ascii_case(b"TLS")
                        || l[5..8].eq_ignore_ascii_case(b"SSL"))
            }),
            StartTls::Xmpp => contains(data, b"<starttls"),
            StartTls::Ldap => contains(data, LDAP_STARTTLS_OID),
            StartTls::Postgres => data.starts_with(&PG_SSL_REQUEST),
            StartTls::HttpConnect => data.starts_with(b"CONNECT "),
        }
    }

    /// The server's answer to a pending request: `Some((true, n))` agrees, TLS starting after
    /// the first `n` bytes; `Some((false, _))` refuses; `None` is not the answer.
    pub fn response(self, data: &[u8]) -> Option<(bool, usize)> {
        match self {
            StartTls::Postgres => match data.first()? {
                b'S' => Some((true, 1)),
                _ => Some((false, 0)),
            },
            StartTls::Xmpp => {
                if let Some(at) = find(data, b"<proceed") {
                    let end = data[at..]
                        .iter()
                        .position(|&b| b == b'>')
                        .map_or(data.len(), |p| at + p + 1);
                    Some((true, end))
                } else if contains(data, b"<failure") {
                    Some((false, 0))
                } else {
                    None
                }
            }
            StartTls::HttpConnect => {
                let status = data.strip_prefix(b"HTTP/1.")?.get(2..5)?;
                let ok = status.first() == Some(&b'2');
                // TLS starts after the response header.
                let end = find(data, b"\r\n\r\n").map_or(data.len(), |at| at + 4);
                Some((ok, end))
            }
            StartTls::Ldap => {
                // ExtendedResponse ([APPLICATION 24]), then the LDAPResult's resultCode.
                let at = data.iter().position(|&b| b == 0x78)?;
                let rest = &data[at..];
                let code = rest.windows(3).find(|w| w[0] == 0x0a && w[1] == 1)?[2];
                Some((code == 0, data.len()))
            }
            _ => {
                let mut consumed = 0;
                for line in data.split_inclusive(|&b| b == b'\n') {
                    consumed += line.len();
                    let l = trim(line);
                    let verdict = match self {
                        // Multi-line replies ("250-...") are not the final answer.
                        StartTls::Smtp if l.get(3) == Some(&b'-') => None,
                        StartTls::Smtp | StartTls::Ftp if l.len() >= 3 => {
                            let code = &l[..3];
                            if !code.iter().all(u8::is_ascii_digit) {
                                None
                            } else {
                                Some(
                                    code == if self == StartTls::Smtp {
                                        b"220"
                                    } else {
                                        b"234"
                                    },
                                )
                            }
                        }
                        StartTls::Pop3 if l.starts_with(b"+OK") => Some(true),
                        StartTls::Pop3 if l.starts_with(b"-ERR") => Some(false),
                        StartTls::Imap if !l.starts_with(b"*") => {
                            let mut words = l.split(|&b| b == b' ');
                            let _tag = words.next();
                            match words.next() {
                                Some(w) if w.eq_ignore_ascii_case(b"OK") => Some(true),
                                Some(w)
                                    if w.eq_ignore_ascii_case(b"NO")
                                        || w.eq_ignore_ascii_case(b"BAD") =>
                                {
                                    Some(false)
                                }
                                _ => None,
                            }
                        }
                        _ => None,
                    };
                    if let Some(ok) = verdict {
                        return Some((ok, consumed));
                    }
                }
                None
            }
        }
    }
}

/// Lines without their CR LF.
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n').map(trim)
}

fn trim(line: &[u8]) -> &[u8] {
    let mut l = line;
    while let [rest @ .., b'\r' | b'\n' | b' '] = l {
        l = rest;
    }
    l
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    find(hay, needle).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_and_answers() {
        use StartTls::*;
        assert!(Smtp.is_request(b"EHLO x\r\nSTARTTLS\r\n"));
        assert!(!Smtp.is_request(b"MAIL FROM:<starttls@x>\r\n"));
        assert_eq!(
            Smtp.response(b"250-PIPELINING\r\n250 STARTTLS\r\n"),
            Some((false, 30))
        );
        assert_eq!(
            Smtp.response(b"220 2.0.0 Ready to start TLS\r\n"),
            Some((true, 30))
        );
        assert_eq!(
            Smtp.response(b"454 TLS not available\r\n").map(|r| r.0),
            Some(false)
        );
        assert!(Imap.is_request(b"a001 STARTTLS\r\n"));
        assert_eq!(Imap.response(b"* OK hello\r\n"), None);
        assert_eq!(
            Imap.response(b"a001 OK Begin TLS\r\n").map(|r| r.0),
            Some(true)
        );
        assert!(Pop3.is_request(b"STLS\r\n"));
        assert_eq!(Pop3.response(b"+OK Begin TLS\r\n").map(|r| r.0), Some(true));
        assert!(Ftp.is_request(b"AUTH TLS\r\n") && Ftp.is_request(b"auth ssl\r\n"));
        assert_eq!(
            Ftp.response(b"234 AUTH TLS OK.\r\n").map(|r| r.0),
            Some(true)
        );
        assert!(Xmpp.is_request(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"));
        let proceed = b"<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>";
        assert_eq!(Xmpp.response(proceed), Some((true, proceed.len())));
        assert!(Postgres.is_request(&PG_SSL_REQUEST));
        assert_eq!(Postgres.response(b"S"), Some((true, 1)));
        assert_eq!(Postgres.response(b"N"), Some((false, 0)));
        let ldap_response = [
            0x30, 0x0c, 0x02, 0x01, 0x01, 0x78, 0x07, 0x0a, 0x01, 0x00, 0x04, 0, 0x04, 0,
        ];
        assert_eq!(
            Ldap.response(&ldap_response),
            Some((true, ldap_response.len()))
        );
        assert_eq!(StartTls::for_server_port(587), Some(Smtp));
        assert_eq!(StartTls::for_server_port(443), None);
        assert!(HttpConnect.is_request(b"CONNECT a.example:443 HTTP/1.1\r\n\r\n"));
        assert!(!HttpConnect.is_request(b"GET / HTTP/1.1\r\n"));
        let ok = b"HTTP/1.1 200 Connection established\r\nVia: x\r\n\r\n";
        assert_eq!(HttpConnect.response(ok), Some((true, ok.len())));
        assert_eq!(
            HttpConnect
                .response(b"HTTP/1.0 407 Auth\r\n\r\n")
                .map(|r| r.0),
            Some(false)
        );
    }
}
