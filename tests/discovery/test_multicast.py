"""Multicast discovery's follow-up questions, driven without a network: each service type an
mDNS responder lists is asked about once, on the group, whoever else lists it, up to a cap."""

from __future__ import annotations

import asyncio
from typing import Any

import dns.message
import dns.rrset

from custodes.discovery import multicast
from custodes.discovery.probes import mdns


class RecordingTransport(asyncio.DatagramTransport):
    def __init__(self) -> None:
        super().__init__()
        self.sent: list[tuple[bytes, Any]] = []
        self.closed = False

    def sendto(self, data: Any, addr: Any = None) -> None:
        self.sent.append((bytes(data), addr))

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True


def _listing(*services: str) -> bytes:
    reply = dns.message.make_response(dns.message.from_wire(mdns.build_query(mdns.SERVICES_NAME)))
    targets = [f"{service}.local." for service in services]
    reply.answer.append(dns.rrset.from_text_list(mdns.SERVICES_NAME, 120, "IN", "PTR", targets))
    return reply.to_wire()


def _asked(sent: list[tuple[bytes, Any]]) -> list[str]:
    return [dns.message.from_wire(data).question[0].name.to_text() for data, _ in sent]


def _collector() -> tuple[multicast._Collector, RecordingTransport, dict[str, list[Any]]]:
    [protocol] = [item for item in multicast.PROTOCOLS if item.name == "mdns"]
    found: dict[str, list[Any]] = {}
    collector = multicast._Collector(protocol, found, "10.0.0.1", None)
    transport = RecordingTransport()
    collector.connection_made(transport)
    return collector, transport, found


def test_each_listed_service_type_is_asked_once_on_the_group() -> None:
    async def run() -> tuple[list[tuple[bytes, Any]], dict[str, list[Any]]]:
        collector, transport, found = _collector()
        collector.datagram_received(_listing("_axis-video._tcp", "_http._tcp"), ("10.0.0.7", 5353))
        collector.datagram_received(_listing("_http._tcp", "_rtsp._tcp"), ("10.0.0.8", 5353))
        collector.datagram_received(_listing("_ipp._tcp"), ("10.0.0.1", 5353))  # our own
        await asyncio.sleep(0)
        collector.close()
        return transport.sent, found

    sent, found = asyncio.run(run())
    assert _asked(sent) == ["_axis-video._tcp.local.", "_http._tcp.local.", "_rtsp._tcp.local."]
    assert {address for _, address in sent} == {("224.0.0.251", 5353)}
    assert sorted(found) == ["10.0.0.7", "10.0.0.8"]
    assert [item.value for item in found["10.0.0.7"]] == ["_axis-video._tcp", "_http._tcp"]


def test_follow_up_questions_are_capped() -> None:
    async def run() -> int:
        collector, transport, _ = _collector()
        for host in range(10):
            services = [f"_s{host}x{number}._tcp" for number in range(10)]
            collector.datagram_received(_listing(*services), (f"10.0.1.{host}", 5353))
        await asyncio.sleep(0)
        collector.close()
        return len(transport.sent)

    assert asyncio.run(run()) == multicast.MAX_FOLLOW_UPS


def test_nothing_is_sent_once_closed() -> None:
    async def run() -> int:
        collector, transport, _ = _collector()
        collector.datagram_received(_listing("_axis-video._tcp"), ("10.0.0.7", 5353))
        collector.close()  # the discovery's time ran out before the question went
        await asyncio.sleep(0)
        return len(transport.sent)

    assert asyncio.run(run()) == 0
