"""Click refusals: the codes and messages stored on invalid clicks, and what each is about."""

from __future__ import annotations

from clicktrail.tracking.refusals import ClickRefusal


def test_codes_and_messages_are_the_stored_ones() -> None:
    assert [(int(r), r.message) for r in ClickRefusal] == [
        (0, ""),
        (1, "Invalid tracking link"),
        (2, "Unknown offer"),
        (3, "Offer is not active"),
        (4, "Unknown affiliate"),
        (5, "Affiliate is not active"),
        (6, "Over Caps"),
        (7, "Offer is not runnable by this affiliate"),
        (8, "Targeting mismatch"),
        (9, "Blocked traffic"),
        (10, "Robot traffic"),
        (11, "Proxy traffic"),
    ]


def test_each_refusal_names_what_it_is_about() -> None:
    assert ClickRefusal(1).subject == "link"
    assert {ClickRefusal(2).subject, ClickRefusal(3).subject} == {"offer"}
    assert {ClickRefusal(4).subject, ClickRefusal(5).subject} == {"affiliate"}
    assert {ClickRefusal(code).subject for code in range(6, 12)} == {"rule"}
    assert not ClickRefusal.NONE
