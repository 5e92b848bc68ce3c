"""The observation fields probes emit and fingerprint rules may match."""

from __future__ import annotations

SADP_TAGS = (
    "DeviceType",
    "DeviceDescription",
    "DeviceSN",
    "MAC",
    "SoftwareVersion",
    "DSPVersion",
    "CommandPort",
    "HttpPort",
    "Activated",
    "OEMInfo",
)
DHIP_TAGS = ("DeviceType", "SerialNo", "Version", "Vendor", "MachineName", "DeviceClass")
DEVICE_INFO_KEYS = ("brand", "model", "firmware", "serial", "name", "kind")
ONVIF_SCOPE_KEYS = ("hardware", "name", "type", "location", "mac", "manufacturer", "firmware")

FIELDS: frozenset[str] = frozenset(
    {
        "http.server",
        "http.www_authenticate",
        "http.title",
        "http.favicon_md5",
        "http.endpoint",
        "http.header_case",
        "tls.subject",
        "tls.issuer",
        "rtsp.server",
        "rtsp.www_authenticate",
        "rtsp.public",
        "rtsp.sdp_session",
        "onvif.types",
        "onvif.xaddrs",
        "onvif.manufacturer",
        "onvif.model",
        "onvif.firmware",
        "onvif.serial",
        "onvif.hardware_id",
        "onvif.device_information",
        "onvif.device_service",
        "sadp.reply",
        "dhip.reply",
        "upnp.server",
        "upnp.manufacturer",
        "upnp.model_name",
        "upnp.model_number",
        "upnp.serial",
        "upnp.friendly_name",
        "mdns.service",
        "mdns.instance",
        "mdns.txt",
        "snmp.sysdescr",
        "snmp.sysobjectid",
        "port.open",
        "mac.oui",
        "ftp.banner",
        "ssh.banner",
        "telnet.banner",
        *(f"onvif.scope.{key}" for key in ONVIF_SCOPE_KEYS),
        *(f"sadp.{tag}" for tag in SADP_TAGS),
        *(f"dhip.{tag}" for tag in DHIP_TAGS),
        *(f"device.{key}" for key in DEVICE_INFO_KEYS),
    }
)

DEVICE_KINDS = (
    "camera",
    "anpr-camera",
    "recorder",
    "encoder",
    "decoder",
    "intercom",
    "printer",
    "web-server",
    "server",
)
