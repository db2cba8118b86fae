"""The background services a server process runs (click writer, postback worker, jobs).

Each domain that needs one adds it to ``build_services``.
"""

from __future__ import annotations

from clicktrail.click.tasks import click_services
from clicktrail.conversion.writer_process import install as install_conversion_writer
from clicktrail.postback.tasks import install as install_postback_worker
from clicktrail.referral.tasks import install as install_hold_releaser
from clicktrail.referral.writing import register as register_referral_conversions
from clicktrail.report.tasks import install as install_rollup_compactor
from clicktrail.state import AppState, Service


def build_services(state: AppState) -> list[Service]:
    services: list[Service] = []
    # Jobs that ride in the conversion writer's batches, before the writer is made (its
    # writer process imports their modules, ADR 0107).
    register_referral_conversions()
    services.append(install_conversion_writer(state))
    services.extend(install_postback_worker(state))
    services.extend(install_hold_releaser(state))
    services.extend(click_services(state))
    services.append(install_rollup_compactor(state))
    return services
