"""Data text readers see (source titles, policy names) comes in the reader's language from
the data's own Vietnamese and English columns; figure captions name no project file or
module and no code."""

import pytest

from analysis import config, i18n
from analysis.reports import discount, wording


INTERNAL = ("DOMAIN.md", "METHODS.md", "shared/", ".csv", "analysis.models", "untitled", "seed0", "domain_notes")


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_citations_use_the_readers_title_and_no_internal_name(shipped, lang):
    i18n.set_language(lang)
    text = wording.citation(shipped, list(shipped.sources["source_id"]))
    assert not [w for w in INTERNAL if w in text]
    column = "title" if lang == "vi" else "title_en"
    assert all(t in text for t in shipped.sources[column])
    assert ("Không có tiêu đề" in text) == (lang == "vi")
    # Each source is numbered by its place in the project's list, the key running text uses.
    for n, sid in enumerate(shipped.sources["source_id"], start=1):
        assert wording.source_key(shipped, sid) == f"[{n}]" and f'[{n}] "' in text
    with pytest.raises(KeyError):
        wording.source_key(shipped, "seed999")


@pytest.mark.parametrize("lang,name", [("vi", "Giảm 40% phí, lệ phí khi nộp trực tuyến cho 9 thủ tục"),
                                       ("en", "40% online fee discount for 9 procedures")])
def test_the_policy_is_named_in_the_readers_language(shipped, lang, name):
    i18n.set_language(lang)
    policy = discount.policy_for(shipped, "Nghệ An")
    assert policy.policy_name == name
    assert ".csv" not in policy.date_note + policy.discount_note


def test_the_loader_requires_the_new_language_columns(tmp_path):
    import shutil

    from analysis import data
    from analysis.errors import DataError
    copy = tmp_path / "data"
    shutil.copytree(config.DATA_DIR, copy)
    text = (copy / "policies.csv").read_text(encoding="utf-8").splitlines()
    (copy / "policies.csv").write_text("\n".join(line.rsplit(",", 1)[0] for line in text) + "\n", encoding="utf-8")
    with pytest.raises(DataError, match="name_vi"):
        data.load(copy)


def test_every_unit_in_the_data_has_words_in_the_catalog(shipped):
    # A unit missing here is printed as the data's English code in a Vietnamese table ("5 ranks").
    missing = sorted(set(shipped.observations["unit"]) - set(wording.UNITS))
    assert missing == []
    i18n.set_language("vi")
    assert all(wording.unit_label(u) != u for u in wording.UNITS if u != "percent")
