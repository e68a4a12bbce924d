// Writes small classic-pcap files for the tests: a TCP conversation with a handshake, data
// and a FIN close, so the tests never depend on files they did not make.

function ipv4Checksum(header) {
  let sum = 0;
  for (let i = 0; i < header.length; i += 2) sum += (header[i] << 8) | header[i + 1];
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

/** One Ethernet/IPv4/TCP frame. */
function tcpFrame({ src, dst, sport, dport, seq, ack, flags, payload = Buffer.alloc(0) }) {
  const eth = Buffer.from([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00]);
  const tcp = Buffer.alloc(20);
  tcp.writeUInt16BE(sport, 0);
  tcp.writeUInt16BE(dport, 2);
  tcp.writeUInt32BE(seq >>> 0, 4);
  tcp.writeUInt32BE(ack >>> 0, 8);
  tcp[12] = 5 << 4;
  tcp[13] = flags;
  tcp.writeUInt16BE(64240, 14);
  const ip = Buffer.alloc(20);
  ip[0] = 0x45;
  ip.writeUInt16BE(20 + 20 + payload.length, 2);
  ip[8] = 64;
  ip[9] = 6;
  Buffer.from(src.split('.').map(Number)).copy(ip, 12);
  Buffer.from(dst.split('.').map(Number)).copy(ip, 16);
  ip.writeUInt16BE(ipv4Checksum(ip), 10);
  return Buffer.concat([eth, ip, tcp, payload]);
}

const FIN = 0x01, SYN = 0x02, PSH = 0x08, ACK = 0x10;

/** A pcap (µs, Ethernet) of `conversations` TCP connections, each SYN → data → FIN. */
export function tcpCapture(conversations = 3) {
  const frames = [];
  const client = '10.1.0.2', server = '10.1.0.1';
  for (let c = 0; c < conversations; c++) {
    const sport = 40000 + c, dport = 80;
    const cs = 1000 * (c + 1), ss = 5000 * (c + 1);
    const req = Buffer.from(`GET /${c} HTTP/1.1\r\nHost: example\r\n\r\n`);
    const resp = Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok`);
    const to = (o) => ({ src: client, dst: server, sport, dport, ...o });
    const from = (o) => ({ src: server, dst: client, sport: dport, dport: sport, ...o });
    frames.push(
      tcpFrame(to({ seq: cs, ack: 0, flags: SYN })),
      tcpFrame(from({ seq: ss, ack: cs + 1, flags: SYN | ACK })),
      tcpFrame(to({ seq: cs + 1, ack: ss + 1, flags: ACK })),
      tcpFrame(to({ seq: cs + 1, ack: ss + 1, flags: PSH | ACK, payload: req })),
      tcpFrame(from({ seq: ss + 1, ack: cs + 1 + req.length, flags: PSH | ACK, payload: resp })),
      tcpFrame(to({ seq: cs + 1 + req.length, ack: ss + 1 + resp.length, flags: FIN | ACK })),
      tcpFrame(from({ seq: ss + 1 + resp.length, ack: cs + 2 + req.length, flags: FIN | ACK })),
      tcpFrame(to({ seq: cs + 2 + req.length, ack: ss + 2 + resp.length, flags: ACK })),
    );
  }
  return pcap(frames, 1_700_000_000);
}

/** Wraps frames in a pcap file, one per 10 ms from `startSeconds`. */
export function pcap(frames, startSeconds) {
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(262144, 16);
  header.writeUInt32LE(1, 20);
  const parts = [header];
  frames.forEach((frame, i) => {
    const rec = Buffer.alloc(16);
    const micros = i * 10_000;
    rec.writeUInt32LE(startSeconds + Math.floor(micros / 1e6), 0);
    rec.writeUInt32LE(micros % 1e6, 4);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    parts.push(rec, frame);
  });
  return Buffer.concat(parts);
}
