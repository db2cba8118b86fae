"""Every API router, in the order they are mounted. A domain adds its router here."""

from __future__ import annotations

from fastapi import APIRouter

from clicktrail.ops.endpoints import router as ops_router

ROUTERS: list[APIRouter] = [ops_router]
