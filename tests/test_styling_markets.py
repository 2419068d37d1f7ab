"""Market profiles are data a retailer edits; a typo is refused, not ignored."""

import json

import pytest

from lookbook.styling.markets import MarketFileError, load_markets, parse_markets
from lookbook.styling.vocab import MARKETS


def test_every_market_of_the_vocabulary_has_a_profile():
    markets = load_markets()
    assert set(markets) == set(MARKETS)
    assert markets["germany"].weights["styles:heritage"] > 0
    assert markets["asia-pacific"].weights["colour:bold"] > 0


@pytest.mark.parametrize(("data", "message"), [
    ({"mars": {"weights": {}}}, "unknown market"),
    ({"japan": {"weights": {"styles:sparkly": 0.5}}}, "not a bag feature"),
    ({"japan": {"weights": {"styles:playful": 3}}}, "-1..1"),
    ({"japan": {}}, "weights"),
    ([], "JSON object"),
])
def test_bad_market_files_are_refused(data, message):
    with pytest.raises(MarketFileError, match=message):
        parse_markets(data)


def test_a_retailer_can_point_to_their_own_profiles(tmp_path):
    path = tmp_path / "markets.json"
    path.write_text(json.dumps({"japan": {"label": "Japan", "weights": {"size:micro": 1.0}}}))
    assert load_markets(path)["japan"].weights == {"size:micro": 1.0}
