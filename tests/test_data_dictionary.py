"""data/README.md documents every column, vocabulary value and indicator the code knows."""

import re

import pytest

from analysis import config
from analysis.data import schema

README = (config.DATA_DIR / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("vocab", list(schema.VOCABULARIES), ids=list(schema.VOCABULARIES))
def test_every_vocabulary_value_is_documented(vocab):
    missing = [v for v in schema.VOCABULARIES[vocab] if f"`{v}`" not in README]
    assert not missing, f"{vocab}: not documented in data/README.md: {missing}"


@pytest.mark.parametrize("table", list(schema.TABLES))
def test_every_column_is_documented(table):
    missing = [f.name for f in schema.TABLES[table] if f"`{f.name}`" not in README]
    assert not missing, f"{table}: columns not documented: {missing}"


def test_every_indicator_is_documented_with_its_unit(shipped):
    for _, row in shipped.indicators.iterrows():
        m = re.search(rf"`{re.escape(row['indicator'])}`[^\n]*", README)
        assert m, f"indicator {row['indicator']} is not in data/README.md"
        assert row["unit"] in m.group(0), f"unit of {row['indicator']} not on its line"


def test_every_indicator_is_used_and_has_title_and_definition(shipped):
    used = set(shipped.observations["indicator"])
    assert set(shipped.indicators["indicator"]) == used
    assert (shipped.indicators["title"].str.len() > 0).all()
    assert (shipped.indicators["definition"].str.len() > 20).all()
