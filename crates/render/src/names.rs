//! Names and one-line meanings for the codes a Report carries: TLS versions, cipher suites and
//! alerts, DNS response codes, ICMP types and codes, Zeek connection states, Wireshark's TCP
//! completeness, and how a connection closed.
//!
//! Lookups never fail: an unknown code is shown as the code itself.

use crate::i18n::Lang;

/// Parses "0x0304" / "0304" / "772" into a number.
pub fn parse_code(text: &str) -> Option<u16> {
    let t = text.trim();
    match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u16::from_str_radix(hex, 16).ok(),
        None => t.parse().ok(),
    }
}

/// GREASE values (RFC 8701): 0x0a0a, 0x1a1a … 0xfafa.
pub fn is_grease(code: u16) -> bool {
    code & 0x0f0f == 0x0a0a && (code >> 8) == (code & 0xff)
}

/// "TLS 1.3" for "0x0304"; GREASE and drafts named; unknown codes returned as given.
pub fn tls_version(code_text: &str) -> String {
    let Some(code) = parse_code(code_text) else {
        return code_text.to_string();
    };
    match code {
        0x0002 => "SSL 2.0".into(),
        0x0300 => "SSL 3.0".into(),
        0x0301 => "TLS 1.0".into(),
        0x0302 => "TLS 1.1".into(),
        0x0303 => "TLS 1.2".into(),
        0x0304 => "TLS 1.3".into(),
        0xfeff => "DTLS 1.0".into(),
        0xfefd => "DTLS 1.2".into(),
        0xfefc => "DTLS 1.3".into(),
        0x7f00..=0x7fff => format!("TLS 1.3 draft {}", code & 0xff),
        c if is_grease(c) => "GREASE".into(),
        c => format!("0x{c:04x}"),
    }
}

/// The IANA name of a cipher suite ("TLS_AES_128_GCM_SHA256" for "0x1301"), or None when it is
/// not one of the suites seen in practice.
pub fn cipher_suite(code_text: &str) -> Option<&'static str> {
    let code = parse_code(code_text)?;
    if is_grease(code) {
        return Some("GREASE");
    }
    Some(match code {
        0x1301 => "TLS_AES_128_GCM_SHA256",
        0x1302 => "TLS_AES_256_GCM_SHA384",
        0x1303 => "TLS_CHACHA20_POLY1305_SHA256",
        0x1304 => "TLS_AES_128_CCM_SHA256",
        0x1305 => "TLS_AES_128_CCM_8_SHA256",
        0xc02b => "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
        0xc02c => "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        0xc02f => "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
        0xc030 => "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        0xcca8 => "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0xcca9 => "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
        0xccaa => "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
        0xc009 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
        0xc00a => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
        0xc013 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        0xc014 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
        0xc023 => "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
        0xc024 => "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
        0xc027 => "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
        0xc028 => "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
        0x009c => "TLS_RSA_WITH_AES_128_GCM_SHA256",
        0x009d => "TLS_RSA_WITH_AES_256_GCM_SHA384",
        0x009e => "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
        0x009f => "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
        0x002f => "TLS_RSA_WITH_AES_128_CBC_SHA",
        0x0033 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA",
        0x0035 => "TLS_RSA_WITH_AES_256_CBC_SHA",
        0x0039 => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA",
        0x003c => "TLS_RSA_WITH_AES_128_CBC_SHA256",
        0x003d => "TLS_RSA_WITH_AES_256_CBC_SHA256",
        0x0067 => "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256",
        0x006b => "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256",
        0x000a => "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
        0x0004 => "TLS_RSA_WITH_RC4_128_MD5",
        0x0005 => "TLS_RSA_WITH_RC4_128_SHA",
        0x00ff => "TLS_EMPTY_RENEGOTIATION_INFO_SCSV",
        0x5600 => "TLS_FALLBACK_SCSV",
        _ => return None,
    })
}

/// "0x1301 (TLS_AES_128_GCM_SHA256)", or just the code when its name is unknown.
pub fn cipher_suite_label(code_text: &str) -> String {
    match cipher_suite(code_text) {
        Some(name) => format!("{code_text} ({name})"),
        None => code_text.to_string(),
    }
}

/// The RFC name of a TLS alert description ("handshake_failure" for 40).
pub fn tls_alert(description: u8) -> Option<&'static str> {
    Some(match description {
        0 => "close_notify",
        10 => "unexpected_message",
        20 => "bad_record_mac",
        21 => "decryption_failed",
        22 => "record_overflow",
        30 => "decompression_failure",
        40 => "handshake_failure",
        41 => "no_certificate",
        42 => "bad_certificate",
        43 => "unsupported_certificate",
        44 => "certificate_revoked",
        45 => "certificate_expired",
        46 => "certificate_unknown",
        47 => "illegal_parameter",
        48 => "unknown_ca",
        49 => "access_denied",
        50 => "decode_error",
        51 => "decrypt_error",
        60 => "export_restriction",
        70 => "protocol_version",
        71 => "insufficient_security",
        80 => "internal_error",
        86 => "inappropriate_fallback",
        90 => "user_canceled",
        100 => "no_renegotiation",
        109 => "missing_extension",
        110 => "unsupported_extension",
        111 => "certificate_unobtainable",
        112 => "unrecognized_name",
        113 => "bad_certificate_status_response",
        114 => "bad_certificate_hash_value",
        115 => "unknown_psk_identity",
        116 => "certificate_required",
        120 => "no_application_protocol",
        _ => return None,
    })
}

/// What a TLS alert usually means, for students.
pub fn tls_alert_meaning(lang: Lang, description: u8) -> &'static str {
    match description {
        0 => lang.pick(
            "An orderly goodbye: one side says it will send no more data on this connection. Normal at the end of a session.",
            "Una despedida ordenada: un extremo avisa de que no enviará más datos por esta conexión. Es normal al final de una sesión.",
        ),
        40 => lang.pick(
            "The two sides could not agree on security parameters (no common version, cipher suite or group). Common with old clients or servers that only allow recent TLS.",
            "Los dos extremos no han podido acordar los parámetros de seguridad (ninguna versión, suite de cifrado o grupo en común). Habitual con clientes o servidores antiguos frente a servidores que solo admiten TLS reciente.",
        ),
        42 | 43 | 44 | 45 | 46 | 48 => lang.pick(
            "The certificate was rejected (untrusted CA, expired, revoked or otherwise invalid). Usually the client does not trust the server's certificate: self-signed, wrong CA, wrong date on the client, or an interception proxy.",
            "Se ha rechazado el certificado (CA no reconocida, caducado, revocado o no válido). Normalmente el cliente no confía en el certificado del servidor: autofirmado, CA incorrecta, fecha del cliente mal puesta o un proxy que intercepta el tráfico.",
        ),
        70 | 86 => lang.pick(
            "The TLS version offered is not accepted by the peer (too old, or a downgrade was detected).",
            "El otro extremo no acepta la versión de TLS ofrecida (demasiado antigua, o se ha detectado un intento de bajar de versión).",
        ),
        112 => lang.pick(
            "The server does not host the name requested in the SNI.",
            "El servidor no aloja el nombre pedido en el SNI.",
        ),
        120 => lang.pick(
            "None of the application protocols offered in ALPN (e.g. h2, http/1.1) is supported by the server.",
            "El servidor no admite ninguno de los protocolos de aplicación ofrecidos por ALPN (p. ej. h2, http/1.1).",
        ),
        20 | 50 | 51 => lang.pick(
            "A message could not be decrypted, verified or parsed: corruption on the path, a buggy implementation or a middlebox modifying traffic.",
            "No se ha podido descifrar, verificar o interpretar un mensaje: corrupción en el camino, un fallo de implementación o un equipo intermedio que modifica el tráfico.",
        ),
        90 => lang.pick(
            "The handshake was cancelled on purpose by one side (usually the user or the application aborted).",
            "Un extremo ha cancelado el handshake a propósito (normalmente el usuario o la aplicación lo ha abortado).",
        ),
        80 => lang.pick(
            "The peer hit an internal error unrelated to the protocol itself.",
            "El otro extremo ha sufrido un error interno, ajeno al propio protocolo.",
        ),
        _ => lang.pick(
            "The sender reports a TLS error and, if the alert is fatal, closes the connection.",
            "El emisor notifica un error de TLS y, si la alerta es fatal, cierra la conexión.",
        ),
    }
}

/// DNS RCODE number for its mnemonic ("NXDOMAIN" → 3).
pub fn dns_rcode_number(name: &str) -> Option<u16> {
    const NAMES: [&str; 11] = [
        "NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP", "REFUSED", "YXDOMAIN", "YXRRSET",
        "NXRRSET", "NOTAUTH", "NOTZONE",
    ];
    if let Some(i) = NAMES
        .iter()
        .position(|n| n.eq_ignore_ascii_case(name.trim()))
    {
        return Some(i as u16);
    }
    // Unnamed codes may arrive as a bare number.
    name.trim().parse().ok()
}

/// What a DNS response code means, for students.
pub fn dns_rcode_meaning(lang: Lang, name: &str) -> &'static str {
    match dns_rcode_number(name) {
        Some(0) => lang.pick("No error.", "Sin error."),
        Some(1) => lang.pick(
            "Format error: the server could not understand the query.",
            "Error de formato: el servidor no ha entendido la consulta.",
        ),
        Some(2) => lang.pick(
            "Server failure: the resolver could not get an answer (upstream servers unreachable, DNSSEC validation failure, misconfigured zone).",
            "Fallo del servidor: el resolvedor no ha podido obtener respuesta (servidores superiores inalcanzables, fallo de validación DNSSEC, zona mal configurada).",
        ),
        Some(3) => lang.pick(
            "Non-existent domain: the name does not exist. Usually a typo, a search-domain suffix being tried, or a blocked/retired name.",
            "Dominio inexistente: el nombre no existe. Suele ser una errata, un sufijo de dominio de búsqueda que el sistema prueba, o un nombre bloqueado o dado de baja.",
        ),
        Some(4) => lang.pick(
            "Not implemented: the server does not support this kind of query.",
            "No implementado: el servidor no admite este tipo de consulta.",
        ),
        Some(5) => lang.pick(
            "Refused: the server will not answer this client (policy, or it is not a resolver for this network).",
            "Rechazada: el servidor no quiere responder a este cliente (por política, o no es el resolvedor de esta red).",
        ),
        _ => lang.pick(
            "The server reports an error for this query.",
            "El servidor indica un error para esta consulta.",
        ),
    }
}

/// A short name for an ICMP / ICMPv6 type and code, e.g. "Destination unreachable (port
/// unreachable)".
pub fn icmp_name(lang: Lang, version: u8, icmp_type: u8, code: u8) -> String {
    let type_name = icmp_type_name(lang, version, icmp_type);
    match icmp_code_name(lang, version, icmp_type, code) {
        Some(code_name) => format!("{type_name} ({code_name})"),
        None => type_name,
    }
}

/// The name of an ICMP / ICMPv6 type ("Echo request").
pub fn icmp_type_name(lang: Lang, version: u8, icmp_type: u8) -> String {
    let name = if version == 6 {
        match icmp_type {
            1 => Some(lang.pick("Destination unreachable", "Destino inalcanzable")),
            2 => Some(lang.pick("Packet too big", "Paquete demasiado grande")),
            3 => Some(lang.pick("Time exceeded", "Tiempo excedido")),
            4 => Some(lang.pick("Parameter problem", "Problema de parámetros")),
            128 => Some(lang.pick("Echo request", "Solicitud de eco")),
            129 => Some(lang.pick("Echo reply", "Respuesta de eco")),
            130 => Some(lang.pick("Multicast listener query", "Consulta de oyentes multicast")),
            131 | 143 => {
                Some(lang.pick("Multicast listener report", "Informe de oyente multicast"))
            }
            133 => Some(lang.pick("Router solicitation", "Solicitud de router")),
            134 => Some(lang.pick("Router advertisement", "Anuncio de router")),
            135 => Some(lang.pick("Neighbor solicitation", "Solicitud de vecino")),
            136 => Some(lang.pick("Neighbor advertisement", "Anuncio de vecino")),
            137 => Some(lang.pick("Redirect", "Redirección")),
            _ => None,
        }
    } else {
        match icmp_type {
            0 => Some(lang.pick("Echo reply", "Respuesta de eco")),
            3 => Some(lang.pick("Destination unreachable", "Destino inalcanzable")),
            4 => Some(lang.pick("Source quench", "Disminución del origen (source quench)")),
            5 => Some(lang.pick("Redirect", "Redirección")),
            8 => Some(lang.pick("Echo request", "Solicitud de eco")),
            11 => Some(lang.pick("Time exceeded", "Tiempo excedido")),
            12 => Some(lang.pick("Parameter problem", "Problema de parámetros")),
            13 => Some(lang.pick("Timestamp request", "Solicitud de marca de tiempo")),
            14 => Some(lang.pick("Timestamp reply", "Respuesta de marca de tiempo")),
            _ => None,
        }
    };
    match name {
        Some(n) => n.to_string(),
        None => format!("{} {icmp_type}", lang.pick("Type", "Tipo")),
    }
}

fn icmp_code_name(lang: Lang, version: u8, icmp_type: u8, code: u8) -> Option<&'static str> {
    Some(match (version == 6, icmp_type, code) {
        (false, 3, 0) => lang.pick("network unreachable", "red inalcanzable"),
        (false, 3, 1) => lang.pick("host unreachable", "host inalcanzable"),
        (false, 3, 2) => lang.pick("protocol unreachable", "protocolo inalcanzable"),
        (false, 3, 3) | (true, 1, 4) => lang.pick("port unreachable", "puerto inalcanzable"),
        (false, 3, 4) => lang.pick(
            "fragmentation needed but DF set",
            "se necesita fragmentar pero DF está activado",
        ),
        (false, 3, 9 | 10 | 13) | (true, 1, 1) => lang.pick(
            "administratively prohibited",
            "prohibido administrativamente",
        ),
        (true, 1, 0) => lang.pick("no route to destination", "sin ruta al destino"),
        (true, 1, 3) => lang.pick("address unreachable", "dirección inalcanzable"),
        (false, 11, 0) => lang.pick("TTL exceeded in transit", "TTL agotado en tránsito"),
        (true, 3, 0) => lang.pick(
            "hop limit exceeded in transit",
            "límite de saltos agotado en tránsito",
        ),
        (_, 11, 1) | (true, 3, 1) => lang.pick(
            "fragment reassembly time exceeded",
            "tiempo de reensamblado de fragmentos agotado",
        ),
        _ => return None,
    })
}

/// True for ICMP messages that report a delivery error (unreachable, too big, time exceeded,
/// parameter problem).
pub fn icmp_is_error(version: u8, icmp_type: u8) -> bool {
    if version == 6 {
        matches!(icmp_type, 1..=4)
    } else {
        matches!(icmp_type, 3 | 4 | 5 | 11 | 12)
    }
}

/// The standard reason phrase of a SIP status code (RFC 3261 §21).
pub fn sip_reason(status: u16) -> Option<&'static str> {
    Some(match status {
        100 => "Trying",
        180 => "Ringing",
        181 => "Call Is Being Forwarded",
        183 => "Session Progress",
        200 => "OK",
        202 => "Accepted",
        301 => "Moved Permanently",
        302 => "Moved Temporarily",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        480 => "Temporarily Unavailable",
        481 => "Call/Transaction Does Not Exist",
        486 => "Busy Here",
        487 => "Request Terminated",
        488 => "Not Acceptable Here",
        500 => "Server Internal Error",
        503 => "Service Unavailable",
        504 => "Server Time-out",
        600 => "Busy Everywhere",
        603 => "Decline",
        _ => return None,
    })
}

/// A SIP dialog's state as the core reports it ("completed", "answered", "cancelled",
/// "rejected", "unanswered").
pub fn sip_call_state(lang: Lang, state: &str, method: Option<&str>) -> &'static str {
    let invite = method.is_none_or(|m| m.eq_ignore_ascii_case("INVITE"));
    match state {
        "completed" if !invite => lang.pick("completed", "completada"),
        "completed" => lang.pick(
            "completed (answered, then BYE)",
            "completada (contestada y luego BYE)",
        ),
        "answered" => lang.pick("answered, no BYE seen", "contestada, sin BYE"),
        "cancelled" => lang.pick("cancelled by the caller", "cancelada por quien llama"),
        "rejected" => lang.pick("rejected", "rechazada"),
        "unanswered" => lang.pick("no final answer", "sin respuesta final"),
        _ => lang.pick("unknown", "desconocido"),
    }
}

/// What a Zeek conn_state means.
pub fn conn_state(lang: Lang, state: &str) -> &'static str {
    match state {
        "S0" => lang.pick(
            "connection attempt, no reply",
            "intento de conexión sin respuesta",
        ),
        "S1" => lang.pick("established, not closed", "establecida, sin cerrar"),
        "SF" => lang.pick(
            "normal establishment and close",
            "establecimiento y cierre normales",
        ),
        "REJ" => lang.pick(
            "connection attempt rejected",
            "intento de conexión rechazado",
        ),
        "S2" => lang.pick(
            "established, only the client tried to close",
            "establecida; solo el cliente intentó cerrar",
        ),
        "S3" => lang.pick(
            "established, only the server tried to close",
            "establecida; solo el servidor intentó cerrar",
        ),
        "RSTO" => lang.pick(
            "established, client aborted (RST)",
            "establecida; el cliente la abortó (RST)",
        ),
        "RSTR" => lang.pick(
            "established, server aborted (RST)",
            "establecida; el servidor la abortó (RST)",
        ),
        "RSTOS0" => lang.pick(
            "client sent SYN then RST, server never answered",
            "el cliente envió SYN y luego RST; el servidor nunca respondió",
        ),
        "RSTRH" => lang.pick(
            "server sent SYN-ACK then RST, client SYN not seen",
            "el servidor envió SYN-ACK y luego RST; no se vio el SYN del cliente",
        ),
        "SH" => lang.pick(
            "client sent SYN then FIN, no SYN-ACK",
            "el cliente envió SYN y luego FIN, sin SYN-ACK",
        ),
        "SHR" => lang.pick(
            "server sent SYN-ACK then FIN, client SYN not seen",
            "el servidor envió SYN-ACK y luego FIN; no se vio el SYN del cliente",
        ),
        "OTH" => lang.pick(
            "no SYN seen (capture started mid-connection)",
            "no se vio el SYN (la captura empezó con la conexión ya abierta)",
        ),
        _ => lang.pick("unknown state", "estado desconocido"),
    }
}

/// Wireshark's `tcp.completeness` label (4.0 wording).
pub fn completeness(value: u8) -> String {
    match value {
        1 => "Incomplete, SYN_SENT".into(),
        3 => "Incomplete, CLIENT_ESTABLISHED".into(),
        7 => "Incomplete, ESTABLISHED".into(),
        15 => "Incomplete, DATA".into(),
        31 | 47 | 63 => "Complete, WITH_DATA".into(),
        23 | 39 | 55 => "Complete, NO_DATA".into(),
        v => format!("Incomplete ({v})"),
    }
}

/// Who: "client" / "server" / "both" in the language.
pub fn side(lang: Lang, who: &str) -> String {
    match who {
        "client" => lang.pick("the client", "el cliente").into(),
        "server" => lang.pick("the server", "el servidor").into(),
        "both" => lang.pick("both sides", "ambos extremos").into(),
        other => other.to_string(),
    }
}

/// A short label for the `close` value of a connection.
pub fn close_label(lang: Lang, close: &str) -> &'static str {
    match close {
        "fin" => lang.pick("FIN (both sides)", "FIN (ambos extremos)"),
        "half_fin" => lang.pick("FIN (one side only)", "FIN (solo un extremo)"),
        "rst" => lang.pick("RST (reset)", "RST (abortada)"),
        "open" => lang.pick("still open", "sigue abierta"),
        _ => lang.pick("unknown", "desconocido"),
    }
}

/// The IANA name of a TLS extension type ("server_name" for 0), GREASE for RFC 8701 values.
pub fn tls_extension(code: u16) -> Option<&'static str> {
    if is_grease(code) {
        return Some("GREASE");
    }
    Some(match code {
        0 => "server_name",
        1 => "max_fragment_length",
        5 => "status_request",
        10 => "supported_groups",
        11 => "ec_point_formats",
        13 => "signature_algorithms",
        14 => "use_srtp",
        15 => "heartbeat",
        16 => "application_layer_protocol_negotiation",
        17 => "status_request_v2",
        18 => "signed_certificate_timestamp",
        21 => "padding",
        22 => "encrypt_then_mac",
        23 => "extended_master_secret",
        27 => "compress_certificate",
        28 => "record_size_limit",
        34 => "delegated_credentials",
        35 => "session_ticket",
        41 => "pre_shared_key",
        42 => "early_data",
        43 => "supported_versions",
        44 => "cookie",
        45 => "psk_key_exchange_modes",
        47 => "certificate_authorities",
        49 => "post_handshake_auth",
        50 => "signature_algorithms_cert",
        51 => "key_share",
        57 => "quic_transport_parameters",
        13172 => "next_protocol_negotiation",
        17513 => "application_settings",
        17613 => "application_settings",
        0xfe0d => "encrypted_client_hello",
        0xff01 => "renegotiation_info",
        _ => return None,
    })
}

/// The IANA name of a named group ("x25519" for "0x001d").
pub fn tls_group(code_text: &str) -> Option<&'static str> {
    let code = parse_code(code_text)?;
    if is_grease(code) {
        return Some("GREASE");
    }
    Some(match code {
        0x0017 => "secp256r1",
        0x0018 => "secp384r1",
        0x0019 => "secp521r1",
        0x001d => "x25519",
        0x001e => "x448",
        0x0100 => "ffdhe2048",
        0x0101 => "ffdhe3072",
        0x0102 => "ffdhe4096",
        0x0103 => "ffdhe6144",
        0x0104 => "ffdhe8192",
        0x6399 => "X25519Kyber768Draft00",
        0x11ec => "X25519MLKEM768",
        _ => return None,
    })
}

/// The IANA name of a signature scheme ("ecdsa_secp256r1_sha256" for "0x0403").
pub fn tls_signature_scheme(code_text: &str) -> Option<&'static str> {
    let code = parse_code(code_text)?;
    Some(match code {
        0x0201 => "rsa_pkcs1_sha1",
        0x0203 => "ecdsa_sha1",
        0x0401 => "rsa_pkcs1_sha256",
        0x0403 => "ecdsa_secp256r1_sha256",
        0x0501 => "rsa_pkcs1_sha384",
        0x0503 => "ecdsa_secp384r1_sha384",
        0x0601 => "rsa_pkcs1_sha512",
        0x0603 => "ecdsa_secp521r1_sha512",
        0x0804 => "rsa_pss_rsae_sha256",
        0x0805 => "rsa_pss_rsae_sha384",
        0x0806 => "rsa_pss_rsae_sha512",
        0x0807 => "ed25519",
        0x0808 => "ed448",
        0x0809 => "rsa_pss_pss_sha256",
        0x080a => "rsa_pss_pss_sha384",
        0x080b => "rsa_pss_pss_sha512",
        _ => return None,
    })
}

/// "name (0x1301)" or the code alone when the name is unknown.
pub fn named_code(name: Option<&str>, code_text: &str) -> String {
    match name {
        Some(name) => format!("{name} ({code_text})"),
        None => code_text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tls_codes() {
        assert_eq!(tls_version("0x0304"), "TLS 1.3");
        assert_eq!(tls_version("0x0303"), "TLS 1.2");
        assert_eq!(tls_version("0x7f17"), "TLS 1.3 draft 23");
        assert_eq!(tls_version("0x3a3a"), "GREASE");
        assert_eq!(tls_version("nonsense"), "nonsense");
        assert_eq!(cipher_suite("0x1301"), Some("TLS_AES_128_GCM_SHA256"));
        assert_eq!(
            cipher_suite("0xC02F"),
            Some("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256")
        );
        assert_eq!(cipher_suite("0x9999"), None);
        assert_eq!(
            cipher_suite_label("0x1302"),
            "0x1302 (TLS_AES_256_GCM_SHA384)"
        );
        assert!(is_grease(0xfafa) && !is_grease(0x0a1a) && !is_grease(0x1301));
        assert_eq!(tls_alert(40), Some("handshake_failure"));
        assert_eq!(tls_alert(255), None);
    }

    #[test]
    fn dns_and_icmp() {
        assert_eq!(dns_rcode_number("NXDOMAIN"), Some(3));
        assert_eq!(dns_rcode_number("servfail"), Some(2));
        assert_eq!(dns_rcode_number("23"), Some(23));
        assert_eq!(dns_rcode_number("BOGUS"), None);
        assert_eq!(
            icmp_name(Lang::En, 4, 3, 3),
            "Destination unreachable (port unreachable)"
        );
        assert_eq!(
            icmp_name(Lang::Es, 6, 1, 4),
            "Destino inalcanzable (puerto inalcanzable)"
        );
        assert_eq!(icmp_name(Lang::En, 4, 200, 0), "Type 200");
        assert!(icmp_is_error(4, 11) && icmp_is_error(6, 2) && !icmp_is_error(6, 128));
    }

    #[test]
    fn tcp_labels() {
        assert_eq!(completeness(31), "Complete, WITH_DATA");
        assert_eq!(completeness(5), "Incomplete (5)");
        assert_eq!(
            conn_state(Lang::Es, "SF"),
            "establecimiento y cierre normales"
        );
        assert_eq!(close_label(Lang::Es, "rst"), "RST (abortada)");
    }
}
