"""The error body of each dialect, as ``clicktrail/dialects.py`` renders it.

Documentation models only: nothing serialises through them. ``tests/test_openapi_fuzz.py``
checks real answers against them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from clicktrail.dialects import Dialect


class EverflowError(BaseModel):
    """Everflow's error: the message twice, under ``Error`` and ``error``."""

    Error: str = Field(description="What went wrong; names the field when there is one.")
    error: str = Field(description="The same message, lower-case key.")


class ScaleoErrorInfo(BaseModel):
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Field name -> its reasons (422 only)."
    )


class ScaleoError(BaseModel):
    """Scaleo's error envelope."""

    status: Literal["error"]
    code: int = Field(description="The HTTP status code again.")
    name: str = Field(description="The status code's reason phrase.")
    message: str
    info: ScaleoErrorInfo


class AffonsoErrorDetail(BaseModel):
    code: str = Field(description="VALIDATION_ERROR, UNAUTHORIZED, NOT_FOUND, ...")
    message: str
    field: str | None = Field(description="The offending input, when there is one.")


class AffonsoError(BaseModel):
    """Affonso's error envelope."""

    success: Literal[False]
    error: AffonsoErrorDetail


ERROR_MODELS: dict[Dialect, type[BaseModel]] = {
    "everflow": EverflowError,
    "scaleo": ScaleoError,
    "affonso": AffonsoError,
}
