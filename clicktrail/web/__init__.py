"""The network console (/app/), the partner portal (/partner/) and the advertiser pages
(/advertiser/): server-rendered pages on the domains' own services (ADR 0085)."""
