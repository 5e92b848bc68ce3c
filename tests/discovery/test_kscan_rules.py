"""Rules drawn from Kscan's fingerprint list (kscan.yaml): the strings its entries test for, as
the devices send them, name the maker through the rule written for them; look-alikes and generic
replies name no maker."""

from __future__ import annotations

import pytest

from .conftest import cited_rules, fired_rules, identify, shipped_rules

KSCAN_COMMIT = "cf76af2d6f7392caec0b96b930e6fa52e9f27af6"  # lcvvvv/kscan

# field, reply, maker, model (or None), the rule that must fire
EXAMPLES = [
    ("rtsp.server", "Hikvision", "Hikvision", None, "hikvision.kscan-rtsp-server"),
    ("telnet.banner", "\r\nhikvision login: ", "Hikvision", None, "hikvision.kscan-telnet-login"),
    ("http.server", "face-webs", "Hikvision", None, "hikvision.kscan-server-face-webs"),
    ("http.title", "Hikvision iVMS-8300", "Hikvision", "iVMS-8300", "hikvision.kscan-title-ivms"),
    ("http.title", "Hikvision iVMS-5060", "Hikvision", "iVMS-5060", "hikvision.kscan-title-ivms"),
    (
        "http.title",
        "Hikvision流媒体管理服务器",
        "Hikvision",
        None,
        "hikvision.kscan-title-platform-cn",
    ),
    (
        "http.title",
        "Hikvision视频编码设备接入网关",
        "Hikvision",
        None,
        "hikvision.kscan-title-platform-cn",
    ),
    (
        "http.server",
        "If you want know, you can ask me",
        "Hikvision",
        None,
        "hikvision.kscan-server-ivms",
    ),
    ("http.server", "Dahua DRS", "Dahua", None, "dahua.kscan-http-server"),
    ("http.server", "Dahua Rtsp Server", "Dahua", None, "dahua.kscan-http-server"),
    ("snmp.sysdescr", "DahuaTech DVR", "Dahua", None, "dahua.kscan-snmp-dvr"),
    ("http.title", "大华DSS", "Dahua", None, "dahua.kscan-title-cn"),
    ("http.title", "大华 WEB SERVICE", "Dahua", None, "dahua.kscan-title-cn"),
    ("http.title", "dahua_dss", "Dahua", None, "dahua.kscan-title-cn"),
    ("tls.subject", "CN=DHI-NVR4216", "Dahua", "DHI-NVR4216", "dahua.kscan-tls-model"),
    ("tls.subject", "CN=DH-SD2304", "Dahua", "DH-SD2304", "dahua.kscan-tls-model"),
    ("http.title", "浙江宇视科技uniview视频监控系统", "Uniview", None, "uniview.kscan-title-cn"),
    ("http.title", "宇视科技数据管理服务器", "Uniview", None, "uniview.kscan-title-cn"),
    ("http.title", "宇视科技 云眼", "Uniview", None, "uniview.kscan-title-cn"),
    ("http.title", "宇视云眼下载页", "Uniview", None, "uniview.kscan-title-cn"),
    ("http.title", "Uniview Unistor - WebStart", "Uniview", None, "uniview.kscan-title-unistor"),
    ("http.title", "ISC3500-EL", "Uniview", "ISC3500-EL", "uniview.kscan-title-model"),
    ("http.title", "isc2500-sct-e", "Uniview", "isc2500-sct-e", "uniview.kscan-title-model"),
    ("http.title", "ECR3316-HF", "Uniview", "ECR3316-HF", "uniview.kscan-title-model"),
    (
        "snmp.sysdescr",
        "HIC3121ES-DF60IR",
        "Uniview",
        "HIC3121ES-DF60IR",
        "uniview.kscan-snmp-hic",
    ),
    (
        "snmp.sysdescr",
        "HIC6621EX22I-5LA-IT",
        "Uniview",
        "HIC6621EX22I-5LA-IT",
        "uniview.kscan-snmp-hic",
    ),
    (
        "snmp.sysdescr",
        "Uniview Multimedia Platform, Zhejiang Uniview Technologies Co., Ltd.",
        "Uniview",
        None,
        "uniview.kscan-snmp-platform",
    ),
    ("rtsp.server", "Tiandy RTSP Server", "Tiandy", None, "tiandy.kscan-rtsp-server"),
    ("tls.subject", "CN=DVR_UI,O=Tiandy Tech", "Tiandy", None, "tiandy.kscan-tls"),
    ("http.title", "KEDACOM VRS", "Kedacom", None, "kedacom.kscan-title"),
    ("http.title", "KEDACOM Phoenix监控平台", "Kedacom", None, "kedacom.kscan-title"),
    ("http.title", "科达DVR接入网关", "Kedacom", None, "kedacom.kscan-title"),
    ("http.title", "Meeting Control System - KEDACOM", "Kedacom", None, "kedacom.kscan-title"),
    ("http.server", "KEDACOM-Webs", "Kedacom", None, "kedacom.kscan-server"),
    ("http.www_authenticate", 'Basic realm="KEDACOM"', "Kedacom", None, "kedacom.kscan-realm"),
    ("http.server", "AVTECH/1.0", "AVTECH", None, "avtech.kscan-server"),
    ("http.title", "Brickcom", "Brickcom", None, "brickcom.kscan-title"),
    ("http.title", "NUUO NVR", "NUUO", None, "nuuo.kscan-title-nvr"),
    ("http.title", "Welcome to eDR400", "EverFocus", "eDR400", "everfocus.kscan-title-edr"),
    ("http.title", "IQEYE: Live Images", "IQinVision", None, "iqinvision.kscan-title-live"),
    ("http.title", "IQeye302", "IQinVision", "IQeye302", "iqinvision.kscan-title-model"),
    ("http.title", "IQA10S", "IQinVision", "IQA10S", "iqinvision.kscan-title-model"),
    (
        "http.www_authenticate",
        'Basic realm="Infinova"',
        "Infinova",
        None,
        "infinova.kscan-realm",
    ),
    ("http.server", "Infinova-Webs", "Infinova", None, "infinova.kscan-server"),
    (
        "http.www_authenticate",
        'Basic realm="Digifort HTTP Server"',
        "Digifort",
        None,
        "digifort.kscan-realm",
    ),
    (
        "http.www_authenticate",
        'Basic realm="Serveur Digifort HTTP"',
        "Digifort",
        None,
        "digifort.kscan-realm",
    ),
    ("http.title", "东方网力PVG视频系统", "NetPosa", None, "netposa.kscan-title"),
    ("http.title", "NetPosa IPSANManager", "NetPosa", None, "netposa.kscan-title"),
    ("http.title", "CPPLUS NVR –Web View", "CP Plus", None, "cp-plus.kscan-title-nvr"),
    ("http.title", "CPPLUS Remote – Web View", "CP Plus", None, "cp-plus.kscan-title-nvr"),
    ("http.title", "商汤科技 SenseFace", "SenseTime", None, "sensetime.kscan-title"),
    (
        "http.title",
        "March Networks Command Client",
        "March Networks",
        None,
        "march-networks.kscan-title",
    ),
    (
        "http.title",
        "Samsung Techwin NVR Web Viewer",
        "Hanwha Vision",
        None,
        "hanwha.kscan-title-samsung",
    ),
    ("http.title", "Samsung DVR", "Hanwha Vision", None, "hanwha.kscan-title-samsung"),
    (
        "http.www_authenticate",
        'Digest realm="NET-i", nonce="4e6f", qop="auth"',
        "Hanwha Vision",
        None,
        "hanwha.kscan-realm-net-i",
    ),
    ("http.server", "SmartCamWebService", "Hanwha Vision", None, "hanwha.kscan-server-smartcam"),
    (
        "http.www_authenticate",
        'Basic realm="SNC-WR630"',
        "Sony",
        "SNC-WR630",
        "sony.kscan-realm-snc",
    ),
    (
        "http.www_authenticate",
        'Digest realm="SNC-VM772R", nonce="1"',
        "Sony",
        "SNC-VM772R",
        "sony.kscan-realm-snc",
    ),
    ("http.title", "Honeywell IP-Camera", "Honeywell", None, "honeywell.kscan-title"),
    (
        "tls.subject",
        "CN=192.168.1.100,OU=Security Group,O=Honeywell",
        "Honeywell",
        None,
        "honeywell.kscan-tls",
    ),
    ("http.title", "HUAWEI IPC", "Huawei", None, "huawei.kscan-title-ipc"),
    ("tls.subject", "CN=HUAWEI IPC,O=Huawei", "Huawei", None, "huawei.kscan-tls-ipc"),
    (
        "tls.subject",
        "CN=ipc,OU=Enterprise UC&C Productline Video Surveillance PDU,O=Huawei",
        "Huawei",
        None,
        "huawei.kscan-tls-ipc",
    ),
    ("http.title", "VCS AG VideoJet", "Bosch", None, "bosch.kscan-title-videojet"),
    ("snmp.sysdescr", "DINION IP 5000 HD", "Bosch", None, "bosch.kscan-snmp-dinion"),
    ("snmp.sysdescr", "FLEXIDOME IP 4000i", "Bosch", None, "bosch.kscan-snmp-dinion"),
    (
        "http.title",
        "360 Vision Technology",
        "360 Vision Technology",
        None,
        "360-vision.kscan-title",
    ),
    (
        "http.www_authenticate",
        'Basic realm="MOBOTIX Camera User"',
        "Mobotix",
        None,
        "mobotix.kscan-realm",
    ),
    ("http.title", "XMEye", "Xiongmai", None, "xiongmai.kscan-title-xmeye"),
    ("snmp.sysdescr", "ZNV ZXNVM", "ZNV", None, "znv.kscan-snmp"),
    ("http.title", "HanBang Web Service", "HanBang", None, "hanbang.kscan-title"),
    ("rtsp.server", "HB-DVR", "HanBang", None, "hanbang.kscan-server-hb-dvr"),
    ("http.server", "HB-DVR", "HanBang", None, "hanbang.kscan-server-hb-dvr"),
    (
        "http.www_authenticate",
        'Basic realm="TV-IP302PI"',
        "TRENDnet",
        "TV-IP302PI",
        "trendnet.kscan-realm-tv-ip",
    ),
    (
        "http.www_authenticate",
        'Digest realm="TV-IP851WIC", nonce="1"',
        "TRENDnet",
        "TV-IP851WIC",
        "trendnet.kscan-realm-tv-ip",
    ),
    (
        "http.www_authenticate",
        'Basic realm="TV-NVR104"',
        "TRENDnet",
        "TV-NVR104",
        "trendnet.kscan-realm-tv-nvr",
    ),
    ("http.server", "Convision Video Webserver", "Convision", None, "convision.kscan-server"),
    (
        "http.www_authenticate",
        'Basic realm="Convision Video Webserver"',
        "Convision",
        None,
        "convision.kscan-server",
    ),
    ("http.server", "Vigil-DVR", "3xLOGIC", None, "3xlogic.kscan-server-vigil"),
    (
        "http.server",
        "BlueIris",
        "Perspective Software",
        None,
        "perspective-software.kscan-server-blueiris",
    ),
    (
        "http.title",
        "Blue Iris Login",
        "Perspective Software",
        None,
        "perspective-software.kscan-title-blueiris",
    ),
    (
        "http.title",
        "moxa VPort 36-1MP IP Camera",
        "Moxa",
        "VPort 36-1MP",
        "moxa.kscan-title-vport-camera",
    ),
    (
        "http.title",
        "moxa VPort P06-1MP-M12 IP Camera",
        "Moxa",
        "VPort P06-1MP-M12",
        "moxa.kscan-title-vport-camera",
    ),
    ("http.title", "Moxa VPort Devices", "Moxa", None, "moxa.kscan-title-vport"),
    ("http.title", "ABUS DVR", "ABUS", None, "abus.kscan-title-dvr"),
    ("http.title", "BEWARD N100 H.264", "Beward", "N100", "beward.kscan-title"),
    ("http.title", "Vacron-NVR", "Vacron", None, "vacron.kscan-title-nvr"),
    ("http.title", "Vacron NVR", "Vacron", None, "vacron.kscan-title-nvr"),
    ("http.title", "PLANET IP Surveillance", "PLANET Technology", None, "planet.kscan-title"),
    ("http.title", "同为数码网络摄像头", "TVT", None, "tvt.kscan-title-cn"),
    ("http.www_authenticate", 'Basic realm="Avigilon"', "Avigilon", None, "avigilon.kscan-realm"),
    ("http.title", "VideoIQ Camera Login", "Avigilon", None, "avigilon.kscan-title-videoiq"),
    ("http.title", "SafetyVision NVR", "Safety Vision", None, "safety-vision.kscan-title-nvr"),
]

LOOK_ALIKES = [
    ("rtsp.server", "HikRobot RTSP"),
    ("telnet.banner", "dvr login: "),
    ("telnet.banner", "Welcome to hikvision login: portal"),
    ("http.server", "interface-webs"),
    ("http.title", "iVMS-4200"),
    ("http.title", "流媒体管理服务器"),
    ("http.server", "If you want"),
    ("http.server", "DRS"),
    ("snmp.sysdescr", "Linux DVR 3.10"),
    ("http.title", "WEB SERVICE"),
    ("http.title", "DSS"),
    ("tls.subject", "CN=DH-params,O=Example"),
    ("tls.subject", "CN=DH-RSA2048,O=Example"),
    ("tls.subject", "CN=www.example.com,O=Example"),
    ("http.title", "数据管理服务器"),
    ("http.title", "云眼"),
    ("http.title", "Unistor"),
    ("http.title", "ISC2"),
    ("http.title", "ISC 2024 Conference"),
    ("http.title", "NVR308-32-IN"),
    ("snmp.sysdescr", "HIC3121"),
    ("snmp.sysdescr", "Zhejiang Technologies"),
    ("rtsp.server", "RTSP Server"),
    ("tls.subject", "CN=DVR_UI,O=Tech"),
    ("http.title", "VRS"),
    ("http.title", "科达制造"),
    ("http.title", "Meeting Control System"),
    ("http.server", "KEDA Web Server"),
    ("http.www_authenticate", 'Basic realm="KEDA"'),
    ("http.title", "Video Web Server"),
    ("http.server", "AVTECHNICA"),
    ("http.title", "Brickcom Partner Portal"),
    ("http.title", "NVR"),
    ("http.www_authenticate", 'Basic realm="Ever"'),
    ("http.title", "Welcome to EDRS"),
    ("http.title", "Live Images"),
    ("http.title", "IQ Test"),
    ("http.title", "IQA"),
    ("http.www_authenticate", 'Basic realm="Infinity"'),
    ("http.www_authenticate", 'Basic realm="HTTP Server"'),
    ("http.title", "PVG视频系统"),
    ("http.title", "NVR Web View"),
    ("http.title", "SenseFace"),
    ("http.title", "FLIR Systems"),
    ("http.title", "Command Client"),
    ("http.title", "Samsung Galaxy Store"),
    ("http.title", "Samsung Smart TV"),
    ("http.www_authenticate", 'Digest realm="NET-iD", nonce="1"'),
    ("http.server", "CamWebService"),
    ("http.title", "Video Network Station"),
    ("http.www_authenticate", 'Basic realm="SNC"'),
    ("http.www_authenticate", 'Basic realm="SNC-Lavalin"'),
    ("http.title", "IP-Camera"),
    ("tls.subject", "CN=Honeywell,O=Honeywell"),
    ("tls.subject", "CN=x,OU=Security Group,O=Example"),
    ("http.title", "HUAWEI Router"),
    ("tls.subject", "CN=HUAWEI,O=Huawei"),
    ("http.title", "VideoJet"),
    ("snmp.sysdescr", "Linux IP camera"),
    ("http.title", "360 Total Security"),
    ("http.www_authenticate", 'Basic realm="Camera"'),
    ("http.title", "XMEye Cloud partner site"),
    ("http.title", "Network Camera"),
    ("rtsp.server", "NOVUS"),
    ("http.title", "WebGuard Login"),
    ("snmp.sysdescr", "ZXNVM"),
    ("telnet.banner", "hdipcam login: "),
    ("http.title", "HanBang Web Service Portal Help"),
    ("http.server", "NVR Webserver"),
    ("rtsp.server", "HB-DVRX"),
    ("http.www_authenticate", 'Basic realm="welcome to IPCam !"'),
    ("http.www_authenticate", 'Basic realm="netcam"'),
    ("http.www_authenticate", 'Basic realm="TV-"'),
    ("http.www_authenticate", 'Basic realm="TV-Guide"'),
    ("http.title", "WebEye"),
    ("http.server", "VistaBox"),
    ("http.server", "Vigil"),
    ("http.title", "Blue Iris Labs"),
    ("http.title", "Moxa ioLogik"),
    ("http.title", "MoxaHttp"),
    ("http.title", "ABUS DVR Setup Guide"),
    ("http.www_authenticate", 'Basic realm="TV7230"'),
    ("http.title", "BEWARE of the dog"),
    ("http.title", "Planet"),
    ("http.title", "网络摄像头"),
    ("http.title", "Camera Login"),
    ("http.title", "NVR"),
]


@pytest.mark.parametrize(("field", "value", "maker", "model", "rule"), EXAMPLES)
def test_kscan_strings_name_the_maker(
    field: str, value: str, maker: str, model: str | None, rule: str
) -> None:
    attributes, fired = identify(field, value), fired_rules(field, value)
    assert rule in fired, (fired, attributes)
    assert attributes.get("manufacturer") == maker, attributes
    if model is not None:
        assert attributes.get("model") == model, attributes


@pytest.mark.parametrize(("field", "value"), LOOK_ALIKES)
def test_look_alikes_of_kscan_strings_name_no_maker(field: str, value: str) -> None:
    attributes = identify(field, value)
    assert "manufacturer" not in attributes, attributes


def test_every_kscan_rule_has_an_example() -> None:
    assert {rule.id for rule in shipped_rules("kscan")} == {example[-1] for example in EXAMPLES}


def test_kscan_rules_cite_the_list_and_a_known_maker() -> None:
    rules = cited_rules("kscan", "kscan", KSCAN_COMMIT)
    assert len(rules) >= 40
    for rule, origin in rules:
        assert origin.file == "static/fingerprint.txt" and origin.pattern, rule.id
        assert f"{KSCAN_COMMIT}/{origin.file}#L" in rule.source, rule.id
        line = rule.source.rsplit("#L", 1)[1]
        assert f"(line {line})" in origin.fingerprint, rule.id
        # only the list's FOFA-style part: its later part is converted from another database
        assert int(line) < 18200, rule.id
