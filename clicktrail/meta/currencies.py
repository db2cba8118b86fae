"""Currencies for the Everflow-compatible ``GET /v1/meta/currencies`` endpoint.

Everflow identifies a currency by its ISO 4217 alphabetic code: ``currency_id`` is a string such
as ``"USD"`` everywhere (offer ``currency_id``, affiliate/advertiser ``default_currency_id``,
network ``currency_id``).  The endpoint wraps rows in ``{"currencies": [...]}``.

PROVENANCE: Everflow's exact currency list could not be retrieved from the public docs.  This
table is ISO 4217 (active codes, from the Debian ``iso-codes`` package 4.15) minus precious
metals, testing codes and fund/unit-of-account codes.  Each row is ``{"currency_id", "name"}``:
an open-source Everflow client (sbarale/laravel-everflow) matches rows of this endpoint on
``currency_id`` and ``name``; ``currency_name`` is emitted too, with the same text, for clients
written against the earlier guess.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BY_CODE", "CURRENCIES", "Currency", "to_wire"]


@dataclass(frozen=True, slots=True)
class Currency:
    """One currency row."""

    currency_id: str  # ISO 4217 alphabetic code, e.g. "USD"
    name: str  # English name (ISO 4217 list name)

    @property
    def code(self) -> str:
        return self.currency_id


CURRENCIES: tuple[Currency, ...] = (
    Currency("AED", "UAE Dirham"),
    Currency("AFN", "Afghani"),
    Currency("ALL", "Lek"),
    Currency("AMD", "Armenian Dram"),
    Currency("ANG", "Netherlands Antillean Guilder"),
    Currency("AOA", "Kwanza"),
    Currency("ARS", "Argentine Peso"),
    Currency("AUD", "Australian Dollar"),
    Currency("AWG", "Aruban Florin"),
    Currency("AZN", "Azerbaijan Manat"),
    Currency("BAM", "Convertible Mark"),
    Currency("BBD", "Barbados Dollar"),
    Currency("BDT", "Taka"),
    Currency("BGN", "Bulgarian Lev"),
    Currency("BHD", "Bahraini Dinar"),
    Currency("BIF", "Burundi Franc"),
    Currency("BMD", "Bermudian Dollar"),
    Currency("BND", "Brunei Dollar"),
    Currency("BOB", "Boliviano"),
    Currency("BRL", "Brazilian Real"),
    Currency("BSD", "Bahamian Dollar"),
    Currency("BTN", "Ngultrum"),
    Currency("BWP", "Pula"),
    Currency("BYN", "Belarusian Ruble"),
    Currency("BZD", "Belize Dollar"),
    Currency("CAD", "Canadian Dollar"),
    Currency("CDF", "Congolese Franc"),
    Currency("CHF", "Swiss Franc"),
    Currency("CLP", "Chilean Peso"),
    Currency("CNY", "Yuan Renminbi"),
    Currency("COP", "Colombian Peso"),
    Currency("CRC", "Costa Rican Colon"),
    Currency("CUC", "Peso Convertible"),
    Currency("CUP", "Cuban Peso"),
    Currency("CVE", "Cabo Verde Escudo"),
    Currency("CZK", "Czech Koruna"),
    Currency("DJF", "Djibouti Franc"),
    Currency("DKK", "Danish Krone"),
    Currency("DOP", "Dominican Peso"),
    Currency("DZD", "Algerian Dinar"),
    Currency("EGP", "Egyptian Pound"),
    Currency("ERN", "Nakfa"),
    Currency("ETB", "Ethiopian Birr"),
    Currency("EUR", "Euro"),
    Currency("FJD", "Fiji Dollar"),
    Currency("FKP", "Falkland Islands Pound"),
    Currency("GBP", "Pound Sterling"),
    Currency("GEL", "Lari"),
    Currency("GHS", "Ghana Cedi"),
    Currency("GIP", "Gibraltar Pound"),
    Currency("GMD", "Dalasi"),
    Currency("GNF", "Guinean Franc"),
    Currency("GTQ", "Quetzal"),
    Currency("GYD", "Guyana Dollar"),
    Currency("HKD", "Hong Kong Dollar"),
    Currency("HNL", "Lempira"),
    Currency("HRK", "Kuna"),
    Currency("HTG", "Gourde"),
    Currency("HUF", "Forint"),
    Currency("IDR", "Rupiah"),
    Currency("ILS", "New Israeli Sheqel"),
    Currency("INR", "Indian Rupee"),
    Currency("IQD", "Iraqi Dinar"),
    Currency("IRR", "Iranian Rial"),
    Currency("ISK", "Iceland Krona"),
    Currency("JMD", "Jamaican Dollar"),
    Currency("JOD", "Jordanian Dinar"),
    Currency("JPY", "Yen"),
    Currency("KES", "Kenyan Shilling"),
    Currency("KGS", "Som"),
    Currency("KHR", "Riel"),
    Currency("KMF", "Comorian Franc"),
    Currency("KPW", "North Korean Won"),
    Currency("KRW", "Won"),
    Currency("KWD", "Kuwaiti Dinar"),
    Currency("KYD", "Cayman Islands Dollar"),
    Currency("KZT", "Tenge"),
    Currency("LAK", "Lao Kip"),
    Currency("LBP", "Lebanese Pound"),
    Currency("LKR", "Sri Lanka Rupee"),
    Currency("LRD", "Liberian Dollar"),
    Currency("LSL", "Loti"),
    Currency("LYD", "Libyan Dinar"),
    Currency("MAD", "Moroccan Dirham"),
    Currency("MDL", "Moldovan Leu"),
    Currency("MGA", "Malagasy Ariary"),
    Currency("MKD", "Denar"),
    Currency("MMK", "Kyat"),
    Currency("MNT", "Tugrik"),
    Currency("MOP", "Pataca"),
    Currency("MRU", "Ouguiya"),
    Currency("MUR", "Mauritius Rupee"),
    Currency("MVR", "Rufiyaa"),
    Currency("MWK", "Malawi Kwacha"),
    Currency("MXN", "Mexican Peso"),
    Currency("MYR", "Malaysian Ringgit"),
    Currency("MZN", "Mozambique Metical"),
    Currency("NAD", "Namibia Dollar"),
    Currency("NGN", "Naira"),
    Currency("NIO", "Cordoba Oro"),
    Currency("NOK", "Norwegian Krone"),
    Currency("NPR", "Nepalese Rupee"),
    Currency("NZD", "New Zealand Dollar"),
    Currency("OMR", "Rial Omani"),
    Currency("PAB", "Balboa"),
    Currency("PEN", "Sol"),
    Currency("PGK", "Kina"),
    Currency("PHP", "Philippine Peso"),
    Currency("PKR", "Pakistan Rupee"),
    Currency("PLN", "Zloty"),
    Currency("PYG", "Guarani"),
    Currency("QAR", "Qatari Rial"),
    Currency("RON", "Romanian Leu"),
    Currency("RSD", "Serbian Dinar"),
    Currency("RUB", "Russian Ruble"),
    Currency("RWF", "Rwanda Franc"),
    Currency("SAR", "Saudi Riyal"),
    Currency("SBD", "Solomon Islands Dollar"),
    Currency("SCR", "Seychelles Rupee"),
    Currency("SDG", "Sudanese Pound"),
    Currency("SEK", "Swedish Krona"),
    Currency("SGD", "Singapore Dollar"),
    Currency("SHP", "Saint Helena Pound"),
    Currency("SLE", "Leone"),
    Currency("SLL", "Leone"),
    Currency("SOS", "Somali Shilling"),
    Currency("SRD", "Surinam Dollar"),
    Currency("SSP", "South Sudanese Pound"),
    Currency("STN", "Dobra"),
    Currency("SVC", "El Salvador Colon"),
    Currency("SYP", "Syrian Pound"),
    Currency("SZL", "Lilangeni"),
    Currency("THB", "Baht"),
    Currency("TJS", "Somoni"),
    Currency("TMT", "Turkmenistan New Manat"),
    Currency("TND", "Tunisian Dinar"),
    Currency("TOP", "Pa'anga"),
    Currency("TRY", "Turkish Lira"),
    Currency("TTD", "Trinidad and Tobago Dollar"),
    Currency("TWD", "New Taiwan Dollar"),
    Currency("TZS", "Tanzanian Shilling"),
    Currency("UAH", "Hryvnia"),
    Currency("UGX", "Uganda Shilling"),
    Currency("USD", "US Dollar"),
    Currency("UYU", "Peso Uruguayo"),
    Currency("UZS", "Uzbekistan Sum"),
    Currency("VED", "Bolívar Soberano"),
    Currency("VES", "Bolívar Soberano"),
    Currency("VND", "Dong"),
    Currency("VUV", "Vatu"),
    Currency("WST", "Tala"),
    Currency("XAF", "CFA Franc BEAC"),
    Currency("XCD", "East Caribbean Dollar"),
    Currency("XOF", "CFA Franc BCEAO"),
    Currency("XPF", "CFP Franc"),
    Currency("YER", "Yemeni Rial"),
    Currency("ZAR", "Rand"),
    Currency("ZMW", "Zambian Kwacha"),
    Currency("ZWL", "Zimbabwe Dollar"),
)

BY_CODE: dict[str, Currency] = {c.currency_id: c for c in CURRENCIES}


def to_wire(currency: Currency) -> dict[str, str]:
    """Serialise one row for ``GET /v1/meta/currencies``."""
    return {
        "currency_id": currency.currency_id,
        "name": currency.name,
        "currency_name": currency.name,
    }
