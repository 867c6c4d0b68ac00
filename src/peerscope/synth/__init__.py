"""Synthetic research corpus with known ground truth, for benchmarks and tests.

``generate_corpus`` writes OpenAlex-shaped work records together with the truth behind them
(the real person behind every authorship, preprint/published pairs, planted integrity cases,
planted errors of the source's own author ids).  See ``peerscope.synth.generator`` for the layout.
"""

from .generator import GENERATOR_VERSION, GenerateSummary, generate_corpus

__all__ = ["GENERATOR_VERSION", "GenerateSummary", "generate_corpus"]
