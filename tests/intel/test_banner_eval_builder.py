"""The second banner set's builder takes only literal observations from WhatWeb plugins."""

from __future__ import annotations

from types import ModuleType

import pytest


@pytest.fixture(scope="module")
def builder(repo_script) -> ModuleType:
    return repo_script("scripts/build_banner_eval.py")


PLUGIN = r"""
Plugin.define do
name "Acme-Camera"
website "http://www.acme.example/"
# { :search=>"headers[server]", :regexp=>/^Commented-Out$/ },
matches [
{ :search=>"headers[server]", :regexp=>/^Acme\-Webs\/1\.0$/ },
{ :search=>"headers[server]", :regexp=>/^(Network Camera|Network Dome Camera)$/ },
{ :search=>"headers[server]", :regexp=>/^Acme-([\d.]+)$/ },
{ :search=>"headers[server]", :regexp=>/^Unanchored/ },
{ :search=>"headers[www-authenticate]", :regexp=>/^Basic realm="Acme Cam"$/ },
{ :text=>'<title>Acme Live View</title>' },
{ :regexp=>/<title>Acme Setup<\/title>/ },
{ :regexp=>/<title>Acme [A-Z]+<\/title>/ },
{ :model=>/<title>Acme ([\w-]+)<\/title>/ },
]
end
"""


def test_only_literal_whole_values_are_taken(builder: ModuleType) -> None:
    found = sorted(set(builder.plugin_observations(PLUGIN)))
    assert found == [
        ("http.server", "Acme-Webs/1.0"),
        ("http.server", "Network Camera"),
        ("http.server", "Network Dome Camera"),
        ("http.title", "Acme Live View"),
        ("http.title", "Acme Setup"),
        ("http.www_authenticate", 'Basic realm="Acme Cam"'),
    ]


@pytest.mark.parametrize(
    ("pattern", "values"),
    [
        (r"^ADH-Web$", ["ADH-Web"]),
        (r"^(A|B\.C)$", ["A", "B.C"]),
        (r"^Boa\/[\d.]+$", []),
        (r"^prefix", []),
        (r"^price\$$", []),
    ],
)
def test_header_values_need_both_anchors_and_no_wildcard(
    builder: ModuleType, pattern: str, values: list[str]
) -> None:
    assert builder._header_values(pattern) == values
