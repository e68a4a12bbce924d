//! Languages and the string table for every fixed label people read (tabs, column headers,
//! buttons, error messages, report headings).
//!
//! Each [`Key`] is declared once with its English and Spanish text side by side, so a key
//! cannot exist in one language only. Text with numbers or names in it is built by the module
//! that needs it (with a `match lang`), not here.
//!
//! Spanish is the neutral Spanish of networking courses in Spain and Latin America: Wireshark's
//! own English terms are kept where students will meet them in the tool ("handshake", "stream",
//! "keep-alive"), and explained in Spanish where they first appear.

/// The language of everything rendered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Es];

    /// Picks the language from `navigator.language` (a BCP 47 tag such as "es-ES", "es-419",
    /// "en-US"): any Spanish variant gives [`Lang::Es`], everything else [`Lang::En`].
    pub fn from_browser(navigator_language: &str) -> Lang {
        Self::from_tag(navigator_language).unwrap_or(Lang::En)
    }

    /// Picks the language from `navigator.languages` (the user's ordered preferences): the first
    /// tag that is Spanish or English decides; English when none is.
    pub fn from_browser_languages<'a>(tags: impl IntoIterator<Item = &'a str>) -> Lang {
        tags.into_iter()
            .find_map(Self::from_tag)
            .unwrap_or(Lang::En)
    }

    /// The language of a BCP 47 tag when it is one we speak ("es", "ES_mx", "en-GB"), else None.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let primary = tag.trim().split(['-', '_']).next().unwrap_or("");
        if primary.eq_ignore_ascii_case("es") {
            Some(Lang::Es)
        } else if primary.eq_ignore_ascii_case("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The ISO 639-1 code ("en" / "es"), for `<html lang>` and file names.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }

    /// The language's own name, for a language switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::Es => "Español",
        }
    }

    /// Picks between two texts written for this language pair.
    #[inline]
    pub fn pick<T>(self, en: T, es: T) -> T {
        match self {
            Lang::En => en,
            Lang::Es => es,
        }
    }
}

/// The text of `key` in `lang`.
pub fn t(lang: Lang, key: Key) -> &'static str {
    let (en, es) = key.texts();
    lang.pick(en, es)
}

macro_rules! string_table {
    ($($(#[$doc:meta])* $key:ident => $en:literal, $es:literal;)*) => {
        /// Every fixed label. Look one up with [`t`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Key {
            $($(#[$doc])* $key,)*
        }

        impl Key {
            /// Every key, in declaration order (for completeness tests and translators).
            pub const ALL: &'static [Key] = &[$(Key::$key,)*];

            /// (English, Spanish).
            pub const fn texts(self) -> (&'static str, &'static str) {
                match self {
                    $(Key::$key => ($en, $es),)*
                }
            }
        }
    };
}

string_table! {
    // The application shell.
    AppTitle => "pcaplens", "pcaplens";
    AppTagline => "Packet capture analysis in your browser. Nothing is uploaded.",
        "Análisis de capturas de tráfico en tu navegador. No se sube nada.";
    PrivacyNote => "Your capture never leaves this computer: it is analyzed inside this page.",
        "Tu captura no sale de este equipo: se analiza dentro de esta página.";
    OpenFile => "Open capture…", "Abrir captura…";
    DropHint => "Drop a .pcap, .pcapng or .gz file here, or choose one.",
        "Arrastra aquí un archivo .pcap, .pcapng o .gz, o elige uno.";
    LoadDemo => "Load the demo capture", "Cargar la captura de ejemplo";
    Analyzing => "Analyzing…", "Analizando…";
    Cancel => "Cancel", "Cancelar";
    Cancelled => "Analysis cancelled.", "Análisis cancelado.";
    Frames => "frames", "tramas";
    Language => "Language", "Idioma";
    DownloadJson => "Download JSON", "Descargar JSON";
    DownloadMarkdown => "Download report (Markdown)", "Descargar informe (Markdown)";
    DownloadConnectionsCsv => "Download connections (CSV)", "Descargar conexiones (CSV)";
    DownloadIssuesCsv => "Download TCP issues (CSV)", "Descargar incidencias TCP (CSV)";
    DownloadDnsCsv => "Download DNS messages (CSV)", "Descargar mensajes DNS (CSV)";
    CopyFilter => "Copy filter", "Copiar filtro";
    Copied => "Copied", "Copiado";
    ShowAll => "Show all", "Mostrar todo";
    ShowLess => "Show less", "Mostrar menos";
    Search => "Search", "Buscar";
    NoFile => "Choose a capture file to start.", "Elige un archivo de captura para empezar.";
    DropToAnalyze => "Drop the capture to analyze it", "Suelta la captura para analizarla";
    Home => "Home", "Inicio";
    ReportViews => "Report views", "Vistas del informe";
    AnalyzedIn => "Analyzed in", "Analizado en";
    ProgressRead => "Part of the file read so far", "Parte del archivo leída hasta ahora";
    FileSize => "Capture size", "Tamaño de la captura";
    CaptureIncomplete => "This capture is incomplete", "Esta captura está incompleta";
    CaptureDamaged => "Parts of the capture were damaged and skipped. The results below cover the rest.",
        "Algunas partes de la captura estaban dañadas y se han omitido. Los resultados cubren el resto.";
    NoTcpConnections => "No TCP connections in this capture.", "No hay conexiones TCP en esta captura.";
    NothingHere => "Nothing of this kind in the capture.", "No hay nada de este tipo en la captura.";
    NoIssues => "No problems found.", "No se han encontrado problemas.";
    FilterApplied => "TCP section restricted by the filter", "Sección TCP restringida por el filtro";

    // Errors the front ends show.
    ErrNotCapture => "This is not a pcap or pcapng file (nor a gzip-compressed one).",
        "No es un archivo pcap ni pcapng (ni uno comprimido con gzip).";
    ErrRead => "The file could not be read.", "No se ha podido leer el archivo.";
    ErrWorker => "The analysis engine could not start. Reload the page and try again.",
        "El motor de análisis no ha podido arrancar. Recarga la página y vuelve a intentarlo.";
    ErrTruncated => "The file ends in the middle of a packet: the results cover the packets before that point.",
        "El archivo termina a mitad de un paquete: los resultados cubren los paquetes anteriores a ese punto.";
    ErrUnknown => "Something went wrong.", "Algo ha fallado.";

    // Tabs / views.
    TabSummary => "Summary", "Resumen";
    TabExpert => "Expert Info", "Información experta";
    TabConnections => "TCP connections", "Conexiones TCP";
    TabTls => "TLS", "TLS";
    TabDns => "DNS", "DNS";
    TabDhcp => "DHCP", "DHCP";
    TabIcmp => "ICMP", "ICMP";
    TabSip => "SIP", "SIP";
    TabConversations => "Conversations", "Conversaciones";
    TabKeyPackets => "Key packets", "Paquetes clave";
    TabReport => "Report", "Informe";
    TabCapture => "Capture file", "Archivo de captura";

    // Column headers and field labels.
    ColFrame => "Frame", "Trama";
    ColFrames => "Frames", "Tramas";
    ColStream => "Stream", "Stream";
    ColTime => "Time", "Tiempo";
    ColSource => "Source", "Origen";
    ColDestination => "Destination", "Destino";
    ColProtocol => "Protocol", "Protocolo";
    ColDescription => "Description", "Descripción";
    ColClient => "Client", "Cliente";
    ColServer => "Server", "Servidor";
    ColPackets => "Packets", "Paquetes";
    ColBytes => "Bytes", "Bytes";
    ColPayloadBytes => "Payload bytes", "Bytes de datos";
    ColDuration => "Duration", "Duración";
    ColStart => "Start", "Inicio";
    ColEnd => "End", "Fin";
    ColState => "State", "Estado";
    ColConnState => "Zeek state", "Estado (Zeek)";
    ColHistory => "History (Zeek)", "Historial (Zeek)";
    ColCompleteness => "Completeness", "Completitud";
    ColClose => "Close", "Cierre";
    ColHandshake => "Handshake", "Handshake";
    ColIrtt => "Initial RTT", "RTT inicial";
    ColConnections => "Connections", "Conexiones";
    CompletedHandshakes => "Completed handshakes", "Handshakes completados";
    FailedHandshakes => "Failed handshakes", "Handshakes fallidos";
    ClosedWithFin => "Closed with FIN", "Cerradas con FIN";
    ResetConnections => "Reset (RST)", "Abortadas (RST)";
    StillOpen => "Still open at the end", "Abiertas al final";
    ColSynOptions => "SYN options", "Opciones del SYN";
    ColMss => "MSS", "MSS";
    ColWindowScale => "Window scale", "Escala de ventana";
    ColSackPermitted => "SACK permitted", "SACK permitido";
    ColIssues => "Issues", "Incidencias";
    ColSeverity => "Severity", "Severidad";
    ColGroup => "Group", "Grupo";
    ColSummary => "Summary", "Resumen";
    ColCount => "Count", "Cantidad";
    ColFilter => "Display filter", "Filtro de visualización";
    ColExplanation => "What it means", "Qué significa";
    ColQuery => "Query", "Consulta";
    ColType => "Type", "Tipo";
    ColCode => "Code", "Código";
    ColRcode => "Response code", "Código de respuesta";
    ColAnswers => "Answers", "Respuestas";
    ColTransport => "Transport", "Transporte";
    ColSni => "SNI (server name)", "SNI (nombre del servidor)";
    ColVersion => "Version", "Versión";
    ColOfferedVersions => "Versions offered", "Versiones ofrecidas";
    ColCipher => "Cipher suite", "Suite de cifrado";
    ColOfferedCiphers => "Cipher suites offered", "Suites de cifrado ofrecidas";
    ColAlpn => "ALPN", "ALPN";
    ColJa3 => "JA3", "JA3";
    ColJa4 => "JA4", "JA4";
    ColClientHello => "ClientHello", "ClientHello";
    ColServerHello => "ServerHello", "ServerHello";
    ColRecords => "Records", "Registros";
    ColAlerts => "Alerts", "Alertas";
    ColXid => "Transaction ID", "ID de transacción";
    ColMessage => "Message", "Mensaje";
    ColClientMac => "Client MAC", "MAC del cliente";
    ColAssignedIp => "Assigned address", "Dirección asignada";
    ColDhcpServer => "DHCP server", "Servidor DHCP";
    ColDoraComplete => "DORA complete", "DORA completo";
    ColIdentifier => "Identifier", "Identificador";
    ColSequence => "Sequence", "Secuencia";
    ColReplyFrame => "Reply frame", "Trama de respuesta";
    ColMethod => "Method", "Método";
    ColStatus => "Status", "Estado";
    ColCallId => "Call-ID", "Call-ID";
    ColCseq => "CSeq", "CSeq";
    ColAddress => "Address", "Dirección";
    ColAddressA => "Address A", "Dirección A";
    ColAddressB => "Address B", "Dirección B";
    ColPacketsAtoB => "Packets A→B", "Paquetes A→B";
    ColBytesAtoB => "Bytes A→B", "Bytes A→B";
    ColPacketsBtoA => "Packets B→A", "Paquetes B→A";
    ColBytesBtoA => "Bytes B→A", "Bytes B→A";
    ColFormat => "Format", "Formato";
    ColLinkTypes => "Link types", "Tipos de enlace";
    ColInterfaces => "Interfaces", "Interfaces";
    ColSnaplen => "Snapshot length", "Longitud de captura (snaplen)";
    ColTimePrecision => "Time precision", "Precisión temporal";
    ColComments => "Comments", "Comentarios";
    ColWarnings => "Warnings", "Avisos";
    ColFileName => "File", "Archivo";
    ColFirstPacket => "First packet", "Primer paquete";
    ColLastPacket => "Last packet", "Último paquete";
    ColDataBytes => "Bytes captured", "Bytes capturados";
    ColWireBytes => "Bytes on the wire", "Bytes en el cable";

    // Small values.
    Yes => "yes", "sí";
    No => "no", "no";
    Unknown => "unknown", "desconocido";
    NotRecorded => "not recorded", "no registrado";
    Both => "both", "ambos";
    Encrypted => "encrypted", "cifrado";

    // Severities (Wireshark's Expert Info levels).
    SeverityError => "Error", "Error";
    SeverityWarning => "Warning", "Advertencia";
    SeverityNote => "Note", "Nota";
    SeverityChat => "Chat", "Chat";
    SeverityComment => "Comment", "Comentario";
    SeverityFromWireshark => "severity as Wireshark assigns it", "severidad tal como la asigna Wireshark";
    SeverityFromPcaplens => "severity chosen by pcaplens; Wireshark does not flag this",
        "severidad elegida por pcaplens; Wireshark no lo marca";

    // Report headings.
    ReportTitle => "Capture analysis", "Análisis de la captura";
    SecSummary => "Summary", "Resumen";
    SecMethod => "Method", "Metodología";
    SecFlows => "Traffic flows", "Flujos de tráfico";
    SecIpConversations => "IP conversations", "Conversaciones IP";
    SecTopTalkers => "Top talkers", "Equipos con más tráfico";
    SecTcpConnections => "TCP connections", "Conexiones TCP";
    SecUdpConversations => "UDP conversations", "Conversaciones UDP";
    SecKeyPackets => "Key packets", "Paquetes clave";
    SecAnalysis => "Detailed analysis", "Análisis detallado";
    SecHandshake => "TCP three-way handshake and options", "Acuerdo en tres pasos (three-way handshake) de TCP y opciones";
    SecTls => "TLS", "TLS";
    SecTcpBehavior => "TCP behavior", "Comportamiento de TCP";
    SecClose => "Connection close", "Cierre de las conexiones";
    SecDns => "DNS", "DNS";
    SecDhcp => "DHCP", "DHCP";
    SecIcmp => "ICMP", "ICMP";
    SecSip => "SIP", "SIP";
    SecExpert => "Expert Info", "Información experta";
    SecConclusions => "Conclusions", "Conclusiones";
    SecFilters => "Display filters to check this in Wireshark", "Filtros de visualización para comprobarlo en Wireshark";
    GeneratedBy => "Generated by", "Generado por";
    FrameNumbersNote => "Frame numbers are the ones Wireshark shows (column No.).",
        "Los números de trama son los que muestra Wireshark (columna No.).";

    // The browser app's views (web/src/views); prefixed `Ui` to stay apart from the labels above.
    UiTabFlows => "Flows", "Flujos";
    UiQuoted => "Quoted packet", "Paquete citado";
    UiFooter => "pcaplens runs entirely in this tab: no upload, no tracking. Works offline once loaded.",
        "pcaplens funciona entero en esta pestaña: nada se sube ni se rastrea. Funciona sin conexión una vez cargado.";
    UiTagline => "Packet capture analysis in your browser, counted the way Wireshark counts.",
        "Análisis de capturas de tráfico en tu navegador, contado como lo cuenta Wireshark.";
    UiOpenLabel => "Open a capture file", "Abrir un archivo de captura";
    UiTrySample => "Try a sample", "Probar con un ejemplo";
    UiOpenHint => "pcap, pcapng or gzip-compressed. You can also drop a file anywhere on this page. The file never leaves your computer: it is analyzed inside this browser tab.",
        "pcap, pcapng o comprimido con gzip. También puedes soltar un archivo en cualquier parte de la página. El archivo no sale de tu equipo: se analiza dentro de esta pestaña del navegador.";
    UiCancelled => "Cancelled.", "Cancelado.";
    UiExportJson => "Export JSON", "Exportar JSON";
    UiCompressed => "gzip-compressed", "comprimido con gzip";
    UiUnnamed => "(unnamed)", "(sin nombre)";
    UiProtocols => "Frames per protocol", "Tramas por protocolo";
    UiTcpTotals => "TCP", "TCP";
    UiMidstream => "Started before the capture", "Empezadas antes de la captura";
    UiFilterText => "Filter by address, port or stream", "Filtrar por dirección, puerto o stream";
    UiFilterPlaceholder => "e.g. 10.0.0.2 or 443", "p. ej. 10.0.0.2 o 443";
    UiShow => "Show", "Mostrar";
    UiKindAll => "All connections", "Todas las conexiones";
    UiKindIssues => "With TCP issues", "Con incidencias TCP";
    UiKindHandshakeFailed => "Handshake not completed", "Handshake no completado";
    UiKindReset => "Reset (RST)", "Abortadas (RST)";
    UiKindFin => "Closed with FIN", "Cerradas con FIN";
    UiKindOpen => "Not closed", "Sin cerrar";
    UiNoMatch => "Nothing matches the filter.", "Nada coincide con el filtro.";
    UiColFlags => "Flags", "Flags";
    UiSortHint => "Click a column header to sort; open a row for its details.",
        "Pulsa en una cabecera para ordenar; abre una fila para ver su detalle.";
    UiCloseDetail => "Close", "Cerrar";
    UiDetailFacts => "Connection", "Conexión";
    UiClientToServer => "Client → server", "Cliente → servidor";
    UiServerToClient => "Server → client", "Servidor → cliente";
    UiConnIssues => "Issues in this connection", "Incidencias de esta conexión";
    UiNoConnIssues => "Wireshark flags nothing in this connection.", "Wireshark no marca nada en esta conexión.";
    UiFlowGraph => "Flow graph", "Gráfico de flujo";
    UiFlowGraphNote => "Like Wireshark's Statistics › Flow Graph (TCP flows): one arrow per packet, relative sequence numbers. Analysis flags are in red (warnings) and orange (notes).",
        "Como Estadísticas › Gráfico de flujo (flujos TCP) de Wireshark: una flecha por paquete, números de secuencia relativos. Los avisos del análisis van en rojo (advertencias) y naranja (notas).";
    UiTimeSequence => "Time-sequence graph (Stevens)", "Gráfico tiempo-secuencia (Stevens)";
    UiTimeSequenceNote => "Like Wireshark's Statistics › TCP Stream Graphs › Stevens / tcptrace: each bar is a data segment, from its first to its last byte.",
        "Como Estadísticas › Gráficos de flujo TCP › Stevens / tcptrace de Wireshark: cada barra es un segmento de datos, de su primer a su último byte.";
    UiLoadingPackets => "Reading the packets of this connection…", "Leyendo los paquetes de esta conexión…";
    UiAxisTime => "Time since the first packet (s)", "Tiempo desde el primer paquete (s)";
    UiAxisSeq => "Relative sequence number (bytes)", "Número de secuencia relativo (bytes)";
    UiLegendData => "Data segments", "Segmentos de datos";
    UiLegendRetrans => "Retransmitted or out of order", "Retransmitidos o fuera de orden";
    UiLegendAck => "ACK number of the receiver", "Número de ACK del receptor";
    UiLegendWindow => "Receiver's window (ACK + window)", "Ventana del receptor (ACK + ventana)";
    UiDirection => "Direction", "Sentido";
    UiOpenConnection => "Open the connection", "Abrir la conexión";
    UiCopyFailed => "Could not copy: select the filter and copy it by hand.",
        "No se ha podido copiar: selecciona el filtro y cópialo a mano.";
    UiWiresharkSays => "Wireshark's text", "Texto de Wireshark";
    UiPerConnection => "Per connection", "Por conexión";
    UiFindings => "Findings", "Hallazgos";
    UiExpertIntro => "Grouped like Wireshark's Analyze › Expert Information. Open a group for what it means, its frames and the display filter that finds them in Wireshark.",
        "Agrupado como Analizar › Información experta de Wireshark. Abre un grupo para ver qué significa, sus tramas y el filtro de visualización que las encuentra en Wireshark.";
    UiClientHellos => "ClientHello messages", "Mensajes ClientHello";
    UiServerHellos => "ServerHello messages", "Mensajes ServerHello";
    UiSnis => "Server names (SNI)", "Nombres de servidor (SNI)";
    UiColId => "ID", "ID";
    UiColResponseIn => "Answered in", "Respondida en";
    UiColLatency => "Latency", "Latencia";
    UiColRtt => "RTT", "RTT";
    UiQuery => "query", "consulta";
    UiResponse => "response", "respuesta";
    UiKindAllMessages => "All messages", "Todos los mensajes";
    UiKindQueries => "Queries", "Consultas";
    UiKindUnanswered => "Unanswered", "Sin respuesta";
    UiKindErrors => "Errors", "Errores";
    UiKindEcho => "Echo (ping)", "Eco (ping)";
    UiStatQueries => "Queries", "Consultas";
    UiStatResponses => "Responses", "Respuestas";
    UiStatUnanswered => "Queries without response", "Consultas sin respuesta";
    UiStatLatency => "Response time (min / mean / max)", "Tiempo de respuesta (mín. / media / máx.)";
    UiStatRcodes => "Response codes", "Códigos de respuesta";
    UiStatEchoRequests => "Echo requests", "Solicitudes de eco";
    UiStatEchoReplies => "Echo replies", "Respuestas de eco";
    UiStatRtt => "Round-trip time (min / mean / max)", "Tiempo de ida y vuelta (mín. / media / máx.)";
    UiStatUnreachable => "Destination unreachable", "Destino inalcanzable";
    UiStatTimeExceeded => "Time exceeded", "Tiempo excedido";
    UiTransactions => "Transactions", "Transacciones";
    UiMessages => "Messages", "Mensajes";
    UiColOffered => "Offered address", "Dirección ofrecida";
    UiColResult => "Result", "Resultado";
    UiColFrom => "From", "From";
    UiColTo => "To", "To";
    UiColSetup => "Setup time", "Tiempo de establecimiento";
    UiCalls => "Calls and dialogs", "Llamadas y diálogos";
    UiCallFlow => "Call flow", "Flujo de la llamada";
    UiCallFlowNote => "Like Wireshark's Telephony › SIP Flows: one column per address, one arrow per message.",
        "Como Telefonía › Flujos SIP de Wireshark: una columna por dirección, una flecha por mensaje.";
    UiColSent => "Sent", "Enviados";
    UiColReceived => "Received", "Recibidos";
    UiTopByBytes => "By bytes", "Por bytes";
    UiTopByPackets => "By packets", "Por paquetes";
    UiFragments => "IP fragments", "Fragmentos IP";
    UiReportIntro => "The report to hand in, built from this analysis. Download it as Markdown (it opens in any editor and renders on GitHub or Moodle), or print it to a PDF.",
        "El informe para entregar, hecho a partir de este análisis. Descárgalo en Markdown (se abre en cualquier editor y se ve bien en GitHub o Moodle) o imprímelo a PDF.";
    UiPrint => "Print or save as PDF", "Imprimir o guardar como PDF";
    UiLanguageHint => "Language of the page and of the report", "Idioma de la página y del informe";
    // Figures (figures.rs, bundle.rs).
    FigIoGraph => "IO graph: packets and bytes per interval", "Gráfico de E/S: paquetes y bytes por intervalo";
    FigFlowGraph => "Flow graph", "Gráfico de flujo";
    FigTimeSequence => "Time-sequence graph (Stevens)", "Gráfico de secuencia temporal (Stevens)";
    FigAxisTime => "Time since the first frame (s)", "Tiempo desde la primera trama (s)";
    FigInterval => "interval", "intervalo";
    FigAxisPackets => "Packets", "Paquetes";
    FigAxisBytes => "Bytes", "Bytes";
    FigFlaggedFrames => "frames flagged by TCP analysis", "tramas marcadas por el análisis TCP";
    FigFrameAndTime => "Frame  Time (s)", "Trama  Tiempo (s)";
    FigClient => "client", "cliente";
    FigServer => "server", "servidor";
    FigAxisTimeSinceStart => "Time since the connection's first packet (s)", "Tiempo desde el primer paquete de la conexión (s)";
    FigAxisSeq => "Relative sequence number", "Número de secuencia relativo";
    FigSegments => "segments (seq to seq+len)", "segmentos (de seq a seq+len)";
    FigAcks => "ACKs from the other side", "ACK del otro extremo";
    SecFigures => "Figures", "Figuras";
    FigureWord => "Figure", "Figura";
    FiguresIntro => "The figures are drawn from the capture, like Wireshark's Statistics › I/O Graphs, Statistics › Flow Graph and Statistics › TCP Stream Graphs › Time Sequence (Stevens). Red marks frames flagged by TCP analysis.",
        "Las figuras se dibujan a partir de la captura, como Estadísticas › Gráfica de E/S, Estadísticas › Gráfica de flujo y Estadísticas › Gráficas de flujo TCP › Secuencia temporal (Stevens) de Wireshark. En rojo, las tramas marcadas por el análisis TCP.";
    CapIoGraph => "Packets (bars) and bytes (line) per interval over the whole capture; red triangles mark intervals with flagged frames.",
        "Paquetes (barras) y bytes (línea) por intervalo en toda la captura; los triángulos rojos marcan intervalos con tramas marcadas.";
    CapHandshake => "Flow graph of the connection's start: three-way handshake and first data (TLS ClientHello).",
        "Gráfico de flujo del inicio de la conexión: saludo en tres pasos y primeros datos (ClientHello de TLS).";
    CapFirstFlagged => "Flow graph around the first frames flagged by TCP analysis.",
        "Gráfico de flujo alrededor de las primeras tramas marcadas por el análisis TCP.";
    CapClose => "Flow graph of the connection's close (FIN / RST).", "Gráfico de flujo del cierre de la conexión (FIN / RST).";
    CapTimeSequence => "Time-sequence (Stevens) graph of the direction that sent more data.",
        "Gráfico de secuencia temporal (Stevens) del sentido que envió más datos.";
    FigStream => "TCP stream", "stream TCP";
    ReportHtmlNote => "Self-contained report: the figures are inside this file.", "Informe autocontenido: las figuras están dentro de este archivo.";
    // The full ClientHello (report_md.rs).
    ChFull => "Full ClientHello", "ClientHello completo";
    ChCipherSuites => "Cipher suites", "Suites de cifrado";
    ChExtensions => "Extensions", "Extensiones";
    ChSupportedGroups => "Supported groups", "Grupos admitidos";
    ChSignatureAlgorithms => "Signature algorithms", "Algoritmos de firma";
    ChKeyShares => "Key shares", "Key shares";
    ChEcPointFormats => "EC point formats", "Formatos de punto EC";
    ChSupportedVersions => "Supported versions", "Versiones admitidas";
    ChNone => "none", "ninguno";
    AndMore => "and {n} more", "y {n} más";
    AllWithFilter => "all of them with the filter", "todas con el filtro";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn browser_language_picks_spanish_for_every_spanish_variant() {
        for tag in ["es", "es-ES", "es-419", "ES-mx", "es_AR", " es-CL "] {
            assert_eq!(Lang::from_browser(tag), Lang::Es, "{tag}");
        }
        for tag in ["en", "en-US", "", "fr-FR", "eu-ES", "est", "e", "-es"] {
            assert_eq!(Lang::from_browser(tag), Lang::En, "{tag}");
        }
    }

    #[test]
    fn browser_language_list_takes_first_known() {
        assert_eq!(
            Lang::from_browser_languages(["fr", "es-ES", "en"]),
            Lang::Es
        );
        assert_eq!(
            Lang::from_browser_languages(["de", "en-GB", "es"]),
            Lang::En
        );
        assert_eq!(Lang::from_browser_languages(["de", "fr"]), Lang::En);
        assert_eq!(Lang::from_browser_languages([]), Lang::En);
    }

    #[test]
    fn every_key_has_text_in_both_languages() {
        for &key in Key::ALL {
            let (en, es) = key.texts();
            assert!(!en.trim().is_empty(), "{key:?} en");
            assert!(!es.trim().is_empty(), "{key:?} es");
        }
        assert_eq!(t(Lang::Es, Key::TabExpert), "Información experta");
        assert_eq!(t(Lang::En, Key::TabExpert), "Expert Info");
    }

    #[test]
    fn spanish_labels_are_translated_where_a_translation_is_expected() {
        // Labels that are the same in both languages on purpose (acronyms, Wireshark's terms).
        const SAME: &[Key] = &[
            Key::AppTitle,
            Key::UiTcpTotals,
            Key::UiColFlags,
            Key::UiColId,
            Key::UiColRtt,
            Key::UiColFrom,
            Key::UiColTo,
            Key::TabTls,
            Key::TabDns,
            Key::TabDhcp,
            Key::TabIcmp,
            Key::TabSip,
            Key::ColStream,
            Key::ColBytes,
            Key::ColHandshake,
            Key::ColMss,
            Key::ColAlpn,
            Key::ColJa3,
            Key::ColJa4,
            Key::ColClientHello,
            Key::ColServerHello,
            Key::ColCallId,
            Key::ColCseq,
            Key::ColBytesAtoB,
            Key::ColBytesBtoA,
            Key::ColInterfaces,
            Key::No,
            Key::SeverityError,
            Key::SeverityChat,
            Key::SecTls,
            Key::SecDns,
            Key::SecDhcp,
            Key::SecIcmp,
            Key::SecSip,
            Key::FigAxisBytes,
            Key::ChKeyShares,
        ];
        for &key in Key::ALL {
            let (en, es) = key.texts();
            if !SAME.contains(&key) {
                assert_ne!(en, es, "{key:?} is not translated");
            }
        }
    }
}
