"""What the console and the portal show for the JavaScript SDK (clicktrail/tracking/sdk.py).

* ``sdk_snippets``: the two pastes of an offer's advertiser, the landing page's (EF.click,
  reading the affiliate and sub values from the URL: direct linking) and the conversion
  page's (EF.conversion, which finds the click's transaction id by itself).
* ``direct_link``: an affiliate's direct link to an offer's landing page
  (``?affid=…&sub1=…``), for offers whose conversions come through the SDK.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from clicktrail.models import Offer


@dataclass(frozen=True)
class SdkSnippets:
    landing: str
    conversion: str


_SUBS = ("sub1", "sub2", "sub3", "sub4", "sub5", "source_id")


def sdk_snippets(offer: Offer, tracking_url: str) -> SdkSnippets:
    script = f'<script src="{tracking_url.rstrip("/")}/scripts/main.js"></script>'
    reads = "".join(f"  {name}: EF.urlParameter('{name}'),\n" for name in _SUBS)
    landing = (
        f"{script}\n<script>\nEF.click({{\n  offer_id: {offer.network_offer_id},\n"
        "  affiliate_id: EF.urlParameter('affid'),\n"
        f"{reads}"
        "  transaction_id: EF.urlParameter('_ef_transaction_id'),\n});\n</script>"
    )
    conversion = (
        f"{script}\n<script>\nEF.conversion({{\n  offer_id: {offer.network_offer_id},\n"
        "  amount: 0, // the sale amount, for payouts in percent\n"
        "  order_id: '', // your order number: a repeated one is not counted twice\n"
        "});\n</script>"
    )
    return SdkSnippets(landing, conversion)


def direct_link(offer: Offer, affiliate_id: int, subs: dict[str, str]) -> str:
    """The landing page (the destination URL without its macro parameters) with the
    affiliate's id and sub values, for the page's EF.click to read."""
    parts = urlsplit(offer.destination_url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if "{" not in v]
    kept.append(("affid", str(affiliate_id)))
    kept += [(name, value) for name, value in subs.items() if value]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept), ""))
