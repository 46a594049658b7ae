"""``undersight synth``: a seeded, reproducible generator of underground-market corpora.

Writes real export formats (a QQ message-manager text export, a Telegram
Desktop ``result.json``), a ground-truth JSONL (one line per message, in the
gold format ``undersight eval`` reads, plus who posted it and why) and a
``summary.json`` of the planted truth. See :mod:`undersight.synth.params`
for the scenarios and :mod:`undersight.synth.catalog` for the prices.

    from undersight.synth import generate, scenario
    generate(scenario("cn-underground-2013", scale=0.01, seed=1), "out/")
"""

from undersight.synth.engine import Generator, generate
from undersight.synth.params import SCENARIOS, Params, scenario

__all__ = ["SCENARIOS", "Generator", "Params", "generate", "scenario"]
