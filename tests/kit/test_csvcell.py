"""kit.csvcell: formula triggers neutralised, numbers left as numbers."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest

from clicktrail.kit import csvcell


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+cmd|' /C calc'!A0",
        "-2+3",
        "@SUM(1+1)",
        "\tx",
        "\r=1+1",
    ],
)
def test_text_starting_with_a_trigger_gets_a_single_quote(value: str) -> None:
    assert csvcell.cell(value) == "'" + value


@pytest.mark.parametrize("value", ["plain", "", "a=b", " =1", "'=already", "é"])
def test_other_text_is_unchanged(value: str) -> None:
    assert csvcell.cell(value) == value


def test_numbers_stay_numbers_and_text_is_quoted() -> None:
    buffer = io.StringIO()
    csvcell.writer(buffer).writerow(
        csvcell.cells([-5, Decimal("-1.25"), -0.5, "-5", "a;=1+1", None])
    )
    assert buffer.getvalue() == '-5,-1.25,-0.5,"\'-5","a;=1+1",""\n'
    [row] = list(csv.reader(io.StringIO(buffer.getvalue())))
    assert row == ["-5", "-1.25", "-0.5", "'-5", "a;=1+1", ""]
