"""`pcaplens mcp` driven by the official Python MCP client (stdio), as Claude Desktop or VS Code
would start it. Run through run.py, which provides the virtualenv."""

import argparse
import asyncio
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

# mcpcap 0.10.0's tools: parameters with their JSON type and default, and the required ones.
MCPCAP_TOOLS = {
    "analyze_capinfos": ({"pcap_file": ("string", None)}, ["pcap_file"]),
    "analyze_dns_packets": ({"pcap_file": ("string", None)}, ["pcap_file"]),
    "analyze_dhcp_packets": ({"pcap_file": ("string", None)}, ["pcap_file"]),
    "analyze_icmp_packets": ({"pcap_file": ("string", None)}, ["pcap_file"]),
    "analyze_sip_packets": ({"pcap_file": ("string", None)}, ["pcap_file"]),
    "analyze_tcp_connections": (
        {"pcap_file": ("string", None), "server_ip": ("string", "null"),
         "server_port": ("integer", "null"), "detailed": ("boolean", False)},
        ["pcap_file"],
    ),
    "analyze_tcp_anomalies": (
        {"pcap_file": ("string", None), "server_ip": ("string", "null"), "server_port": ("integer", "null")},
        ["pcap_file"],
    ),
    "analyze_tcp_retransmissions": (
        {"pcap_file": ("string", None), "server_ip": ("string", "null"), "threshold": ("number", 0.02)},
        ["pcap_file"],
    ),
    "analyze_traffic_flow": (
        {"pcap_file": ("string", None), "server_ip": ("string", None), "server_port": ("integer", "null")},
        ["pcap_file", "server_ip"],
    ),
}
NEW_TOOLS = ["analyze_tls_handshakes", "get_expert_info", "get_tcp_stream", "generate_report",
             "list_packets", "get_packet"]

checks = 0


def check(cond, what):
    global checks
    checks += 1
    if not cond:
        raise AssertionError(what)


def same(ours, theirs, what):
    check(ours == theirs, f"{what}: ours {ours!r}, expected {theirs!r}")


class Server:
    def __init__(self, session):
        self.session = session

    async def call(self, name, **args):
        r = await self.session.call_tool(name, args)
        data = r.structured_content if hasattr(r, "structured_content") else r.structuredContent
        text = r.content[0].text
        same(json.loads(text), data, f"{name}: text content is the structured content")
        is_error = getattr(r, "is_error", None)
        if is_error is None:
            is_error = getattr(r, "isError", False)
        return bool(is_error), data

    async def ok(self, name, **args):
        err, data = await self.call(name, **args)
        check(not err, f"{name} {args}: {data}")
        return data

    async def error(self, name, **args):
        err, data = await self.call(name, **args)
        check(err, f"{name} {args} should fail: {data}")
        return data["error"]


async def session_for(cli, args, cwd, body):
    params = StdioServerParameters(command=cli, args=["mcp", *args], cwd=cwd)
    with open(os.devnull, "w") as errlog:
        async with stdio_client(params, errlog=errlog) as streams:
            read, write = streams[0], streams[1]
            async with ClientSession(read, write) as session:
                init = await session.initialize()
                return await body(Server(session), init)


def tool_schemas(tools):
    for t in tools:
        ann = t.annotations
        same(getattr(ann, "read_only_hint", None) if hasattr(ann, "read_only_hint") else ann.readOnlyHint, True, f"{t.name} read-only")
    by_name = {t.name: t for t in tools}
    for name, (params, required) in MCPCAP_TOOLS.items():
        check(name in by_name, f"{name} is listed")
        schema = by_name[name].input_schema if hasattr(by_name[name], "input_schema") else by_name[name].inputSchema
        same(sorted(schema.get("required", [])), sorted(required), f"{name} required")
        for p, (ty, default) in params.items():
            prop = schema["properties"][p]
            types = prop["type"] if isinstance(prop["type"], list) else [prop["type"]]
            check(ty in types, f"{name}.{p} type {prop}")
            if default is not None:
                same(prop.get("default"), None if default == "null" else default, f"{name}.{p} default")
    for name in NEW_TOOLS:
        check(name in by_name, f"{name} is listed")


async def on_demo(cli, demo, report):
    work = Path(tempfile.mkdtemp(prefix="pcaplens-mcp-py-"))
    inside, outside = work / "inside", work / "outside"
    inside.mkdir()
    outside.mkdir()
    shutil.copy(demo, inside / "demo.pcap")
    shutil.copy(demo, outside / "other.pcap")
    (inside / "notes.pcap").write_text("not a capture\n")
    f = str(inside / "demo.pcap")

    async def body(s, init):
        same(init.server_info.name if hasattr(init, "server_info") else init.serverInfo.name, "pcaplens", "server name")
        version = init.protocol_version if hasattr(init, "protocol_version") else init.protocolVersion
        check(version in ("2025-06-18", "2025-11-25"), f"protocol version {version}")
        tool_schemas((await s.session.list_tools()).tools)

        a = await s.ok("analyze_capinfos", pcap_file=f)
        same(a["packet_count"], report["capinfos"]["packets"], "capinfos packets")
        same(a["data_size_bytes"], report["capinfos"]["wire_bytes"], "capinfos data size")
        a = await s.ok("analyze_dns_packets", pcap_file=f)
        same(a["statistics"]["queries"], report["dns"]["queries"], "dns queries")
        same([p["frame"] for p in a["packets"]], [m["frame"] for m in report["dns"]["messages"]], "dns frames")
        a = await s.ok("analyze_dns_packets", pcap_file=f, offset=1, limit=1)
        same(a["page"]["returned"], 1, "dns page")
        same(a["packets"][0]["frame"], report["dns"]["messages"][1]["frame"], "dns second page")
        for tool, key in [("analyze_dhcp_packets", "dhcp_packets_found"),
                          ("analyze_icmp_packets", "icmp_packets_found"),
                          ("analyze_sip_packets", "sip_packets_found")]:
            same((await s.ok(tool, pcap_file=f))[key], 0, key)
        t = report["tcp"]
        a = await s.ok("analyze_tcp_connections", pcap_file=f, detailed=True)
        same(a["summary"]["total_connections"], t["summary"]["total_connections"], "connections")
        same([c["stream"] for c in a["connections"]], [c["stream"] for c in t["connections"]], "streams")
        a = await s.ok("analyze_tcp_anomalies", pcap_file=f)
        same(a["statistics"]["analysis"], t["summary"]["analysis"], "analysis flags")
        a = await s.ok("analyze_tcp_retransmissions", pcap_file=f)
        same(a["total_retransmissions"], t["retransmissions"]["total_retransmissions"], "retransmissions")
        same(a["threshold"], 0.02, "default threshold")
        server_ip = t["connections"][0]["server"].rsplit(":", 1)[0].strip("[]")
        a = await s.ok("analyze_traffic_flow", pcap_file=f, server_ip=server_ip)
        check(a["client_to_server"]["packet_count"] > 0, "traffic flow")
        a = await s.ok("analyze_tls_handshakes", pcap_file=f)
        same(a["tls_streams"], len(report["tls"]["handshakes"]), "tls handshakes")
        a = await s.ok("get_expert_info", pcap_file=f, lang="es")
        check(a["groups_total"] > 0, "expert groups")
        a = await s.ok("get_tcp_stream", pcap_file=f, stream=0)
        same(a["page"]["total"], t["connections"][0]["packets"], "stream 0 rows")
        a = await s.ok("generate_report", pcap_file=f, format="csv")
        check(a["content"].startswith("stream"), "csv report")
        a = await s.ok("list_packets", pcap_file=f, limit=3)
        same([p["frame"] for p in a["packets"]], [1, 2, 3], "packet list")
        a = await s.ok("list_packets", pcap_file=f, display_filter="tcp.stream == 0", limit=100)
        same(a["frames_displayed"], t["connections"][0]["packets"], "display filter")
        a = await s.ok("get_packet", pcap_file=f, frame=1)
        check(a["details"].startswith("Frame 1:"), "packet details")

        for given, want in [(str(inside / "missing.pcap"), "not found"),
                            (str(inside / "notes.pcap"), "not a capture file"),
                            ("https://example.com/x.pcap", "nothing leaves this machine"),
                            (str(outside / "other.pcap"), "outside the folders")]:
            e = await s.error("analyze_capinfos", pcap_file=given)
            check(want in e, f"{given}: {e}")

        prompts = [p.name for p in (await s.session.list_prompts()).prompts]
        for want in ["tcp_connection_troubleshooting", "tls_troubleshooting", "security_review", "student_report"]:
            check(want in prompts, f"prompt {want}")
        p = await s.session.get_prompt("student_report", {"pcap_file": f})
        check("generate_report" in p.messages[0].content.text, "student_report names the tools")

    await session_for(cli, ["--root", str(inside)], str(inside), body)
    shutil.rmtree(work, ignore_errors=True)


def quoted_frames(o):
    return {m["frame"] for m in o["icmp"]["messages"]
            if (m["version"] == 4 and m["type"] in (3, 4, 5, 11, 12)) or (m["version"] == 6 and 1 <= m["type"] <= 4)}


async def on_corpus(cli, captures):
    files = sorted(f for f in glob.glob(os.path.join(captures, "*", "*"))
                   if not f.endswith((".oracle.json", ".tsv")) and os.path.exists(f + ".oracle.json"))
    slowest = 0.0

    async def body(s, init):
        nonlocal slowest
        for f in files:
            o = json.load(open(f + ".oracle.json"))
            name = os.path.basename(f)
            started = time.monotonic()
            err, a = await s.call("analyze_capinfos", pcap_file=f)
            if err:
                same(o["tshark"]["frames_read"], 0, f"{name}: refused although tshark reads it")
                continue
            if isinstance(o["capinfos"].get("packets"), int):
                same(a["packet_count"], o["capinfos"]["packets"], f"{name} packets")
                same(a["data_size_bytes"], o["capinfos"]["data_size"], f"{name} data size")
            a = await s.ok("analyze_tcp_connections", pcap_file=f, detailed=True, limit=1000000)
            same(a["summary"]["total_connections"], o["tcp"]["stream_count"], f"{name} connections")
            ours = {c["stream"]: c for c in a["connections"]}
            for st in o["tcp"]["streams"]:
                same(ours[st["stream"]]["packet_count"], st["frames"], f"{name} stream {st['stream']} packets")
            a = await s.ok("analyze_tcp_retransmissions", pcap_file=f)
            same(a["total_retransmissions"], o["tcp"]["analysis_totals"]["retransmission"], f"{name} retransmissions")
            q = quoted_frames(o)
            a = await s.ok("analyze_dns_packets", pcap_file=f, limit=1000000)
            om = [m for m in o["dns"]["messages"] if m["frame"] not in q]
            same(a["statistics"]["queries"], sum(1 for m in om if not m["response"]), f"{name} dns queries")
            same([p["frame"] for p in a["packets"]], [m["frame"] for m in om], f"{name} dns frames")
            a = await s.ok("analyze_icmp_packets", pcap_file=f, limit=1000000)
            same([p["frame"] for p in a["packets"]], [m["frame"] for m in o["icmp"]["messages"]], f"{name} icmp frames")
            a = await s.ok("analyze_sip_packets", pcap_file=f, limit=1000000)
            same([p["frame"] for p in a["packets"]], [m["frame"] for m in o["sip"]["messages"]], f"{name} sip frames")
            a = await s.ok("analyze_dhcp_packets", pcap_file=f, limit=1000000)
            same([p["frame"] for p in a["packets"]], [m["frame"] for m in o["dhcp"]["messages"]], f"{name} dhcp frames")
            await s.ok("analyze_tcp_anomalies", pcap_file=f)
            slowest = max(slowest, time.monotonic() - started)

    await session_for(cli, [], tempfile.gettempdir(), body)
    print(f"mcp client test: {len(files)} corpus captures; slowest eight tools: {slowest * 1000:.0f} ms")
    check(slowest < 1.0, f"tools took {slowest:.2f} s on one capture")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", required=True)
    ap.add_argument("--demo", required=True)
    ap.add_argument("--captures")
    args = ap.parse_args()
    cli = str(Path(args.cli).resolve())
    report = json.loads(subprocess.run([cli, "analyze", args.demo, "--json"], capture_output=True,
                                       text=True, check=True).stdout)
    asyncio.run(on_demo(cli, str(Path(args.demo).resolve()), report))
    if args.captures:
        asyncio.run(on_corpus(cli, args.captures))
    else:
        print("mcp client test: corpus part skipped: ../shared/captures is not present")
    print(f"mcp client test: ok ({checks} checks)")


if __name__ == "__main__":
    main()
