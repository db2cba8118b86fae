"""The API's OpenAPI document: typed success bodies and each operation's real status codes,
errors in each surface's dialect (see ``document.py`` and ``operations.py``)."""

from clicktrail.openapi.document import build, install

__all__ = ["build", "install"]
