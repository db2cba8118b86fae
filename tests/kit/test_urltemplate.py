"""kit.urltemplate: macros may fill a URL's path and query, never its scheme or authority."""

from __future__ import annotations

import pytest

from clicktrail.kit import urltemplate


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("https://lp.example/landing?tid={transaction_id}", "https://lp.example"),
        ("https://lp.example:8443/{sub1}/x", "https://lp.example:8443"),
        ("http://user:pw@lp.example?s={sub1}", "http://user:pw@lp.example"),
        ("https://lp.example#{sub1}", "https://lp.example"),
        ("https://lp.example", "https://lp.example"),
        ("https://lp.example\\x/{sub1}", "https://lp.example\\x"),
    ],
)
def test_macros_in_path_query_and_fragment_are_allowed(template: str, origin: str) -> None:
    assert urltemplate.problem(template) is None
    assert urltemplate.origin(template) == origin


@pytest.mark.parametrize(
    "template",
    [
        "https://{sub1}/landing",
        "https://{sub1}.lp.example/",
        "https://lp.example{sub1}/",
        "http://{sub1}:8080/pb",
        "http://lp.example:{sub1}/pb",
        "https://{sub1}@lp.example/",
        "https://lp.example\\@{sub1}/",
        "https://lp.example\\{sub1}",
        "https:\\\\{sub1}/",
        "{sub1}://lp.example/",
        "http{sub1}://lp.example/",
        "https:{sub1}",
        "https:/{sub1}/x",
        "{sub1}",
        "https://{unknown_macro}/",
        "https://lp.example{/x",
    ],
)
def test_a_macro_before_the_end_of_the_host_is_refused(template: str) -> None:
    assert urltemplate.problem(template) == urltemplate.MACRO_IN_ORIGIN
    with pytest.raises(urltemplate.UnsafeTemplate):
        urltemplate.origin(template)


def test_a_template_without_scheme_and_host_has_no_origin() -> None:
    assert urltemplate.problem("lp.example/landing") == urltemplate.NO_ORIGIN
    assert urltemplate.problem("") == urltemplate.NO_ORIGIN


def test_keeps_origin_compares_scheme_and_authority_exactly() -> None:
    origin = "https://lp.example:8443"
    assert urltemplate.keeps_origin("https://lp.example:8443/x?s=1", origin)
    assert urltemplate.keeps_origin("HTTPS://LP.example:8443", origin)
    assert urltemplate.keeps_origin("https://lp.example:8443#f", origin)
    assert not urltemplate.keeps_origin("https://lp.example:8443.evil.example/", origin)
    assert not urltemplate.keeps_origin("https://lp.example:8443@evil.example/", origin)
    assert not urltemplate.keeps_origin("https://lp.example/", origin)
    assert not urltemplate.keeps_origin("http://lp.example:8443/", origin)
    assert not urltemplate.keeps_origin("//lp.example:8443/", origin)
    assert not urltemplate.keeps_origin("", origin)
