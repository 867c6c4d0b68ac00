"""The explorer page's data block: any harvested text comes back as the same data and cannot end
the block or open markup inside it."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from peerscope.serve.web.graph import data_block

labels = st.text(alphabet=st.characters(codec="utf-8"), max_size=60) | st.sampled_from(
    ["</script><script>alert(1)</script>", "<!-- x", "</SCRIPT >", "a & b", "\u2028\u2029", "]]>", "<\\/script>"])


@given(st.lists(st.fixed_dictionaries({"label": labels, "reason": labels, "year": st.none() | st.integers(1000, 2999)}), max_size=5))
def test_data_block_round_trips_and_holds_no_markup(nodes: list[dict]) -> None:
    block = str(data_block({"nodes": nodes}))
    assert json.loads(block) == {"nodes": nodes}
    for character in ("<", ">", "&", "\u2028", "\u2029"):
        assert character not in block


def test_a_label_that_closes_the_script_stays_text() -> None:
    block = str(data_block({"label": "</script><script>alert(1)</script>"}))
    assert "</script" not in block.lower()
    assert json.loads(block)["label"] == "</script><script>alert(1)</script>"
