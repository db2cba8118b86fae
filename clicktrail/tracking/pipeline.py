"""The click path as a list of named steps, run in order, timed on a sample of clicks.

Each step may refuse the click with a :class:`ClickRefusal`; the first refusal is kept and
the later steps still run (an invalid click is stored with its enrichment). One click in
``sample_every`` is timed per step into ``clicktrail_click_step_seconds{step=…}``: timing
every click would cost a measurable share of the draft (docs/adr/0082).
"""

from __future__ import annotations

import time
from collections.abc import Sequence

from clicktrail.ops.metrics import CLICK_STEP_SECONDS
from clicktrail.tracking.draft import Draft
from clicktrail.tracking.steps import Step

#: One click in this many is timed, step by step.
SAMPLE_EVERY = 128


class ClickPipeline:
    def __init__(self, steps: Sequence[Step], sample_every: int = SAMPLE_EVERY) -> None:
        if sample_every < 1:
            raise ValueError("sample_every must be at least 1")
        self.steps = tuple(steps)
        self.sample_every = sample_every
        self._runs = tuple(step.run for step in self.steps)
        self._timers = tuple(CLICK_STEP_SECONDS.labels(step.name) for step in self.steps)
        self._countdown = sample_every

    @property
    def names(self) -> list[str]:
        return [step.name for step in self.steps]

    def run(self, draft: Draft) -> Draft:
        self._countdown -= 1
        if not self._countdown:
            self._countdown = self.sample_every
            return self._run_timed(draft)
        for run in self._runs:
            refusal = run(draft)
            if refusal and not draft.refusal:
                draft.refusal = refusal
        return draft

    def _run_timed(self, draft: Draft) -> Draft:
        clock = time.perf_counter_ns
        for run, timer in zip(self._runs, self._timers, strict=True):
            started = clock()
            refusal = run(draft)
            timer.observe((clock() - started) / 1e9)
            if refusal and not draft.refusal:
                draft.refusal = refusal
        return draft
