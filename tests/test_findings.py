"""The findings contract: what a report saves for the reviewers' page, and what is refused."""

from __future__ import annotations

import json
import unicodedata

import pytest

from analysis import i18n
from analysis.reports import findings


@pytest.fixture(autouse=True)
def english():
    before = i18n.get_language()
    yield
    i18n.set_language(before)


def test_saved_findings_read_back_in_nfc_with_the_language_of_the_run(tmp_path):
    i18n.set_language("vi")
    headline = unicodedata.normalize("NFD", "Từ chối ước lượng: ba số liệu thuộc ba phạm vi.")
    f = findings.Findings(report="02_online_rate_growth", status="refused", headline=headline,
                          sentences=["Mốc 80% đạt được trong khoảng 12/2025 đến 01/2027."])
    path = findings.save(f, tmp_path)
    assert path == tmp_path / "findings.json"
    raw = path.read_text(encoding="utf-8")
    assert raw == unicodedata.normalize("NFC", raw) and "Từ chối" in raw  # UTF-8, not \\u escapes
    back = findings.read(tmp_path)
    assert back == {"report": "02_online_rate_growth", "lang": "vi", "status": "refused",
                    "headline": unicodedata.normalize("NFC", headline),
                    "sentences": ["Mốc 80% đạt được trong khoảng 12/2025 đến 01/2027."]}
    assert findings.save(f, tmp_path).read_bytes() == raw.encode("utf-8")  # same findings, same bytes


def test_no_findings_file_reads_as_none(tmp_path):
    assert findings.read(tmp_path) is None


@pytest.mark.parametrize("kwargs, problem", [
    ({"status": "maybe"}, "status 'maybe'"),
    ({"headline": "  "}, "'headline'"),
    ({"lang": "fr"}, "lang 'fr'"),
    ({"sentences": ["one.", "two.", "three."]}, "at most two more sentences"),
    ({"sentences": ["fine.", ""]}, "'sentences'"),
])
def test_findings_that_break_the_contract_are_refused_when_made(kwargs, problem):
    args = {"report": "r", "status": "estimate", "headline": "A finding.", "lang": "en", **kwargs}
    with pytest.raises(findings.FindingsError, match=problem):
        findings.Findings(**args)
    with pytest.raises(ValueError):  # FindingsError is a ValueError, as before
        findings.Findings(**args)


@pytest.mark.parametrize("text, problem", [
    ("{not json", "unreadable"),
    ("[1, 2]", "not a JSON object"),
    ('{"report": "r", "lang": "en", "status": "guess", "headline": "h"}', "status 'guess'"),
    ('{"report": "r", "lang": "en", "status": "estimate"}', "'headline'"),
    ('{"report": "r", "lang": "en", "status": "estimate", "headline": "h", "sentences": "h"}', "'sentences'"),
])
def test_a_broken_findings_file_is_refused_naming_the_file(tmp_path, text, problem):
    (tmp_path / "findings.json").write_text(text, encoding="utf-8")
    with pytest.raises(findings.FindingsError, match=problem) as info:
        findings.read(tmp_path)
    assert str(info.value).startswith("findings.json: ")


def test_sentences_are_optional_in_the_file(tmp_path):
    obj = {"report": "r", "lang": "en", "status": "descriptive", "headline": "h"}
    (tmp_path / "findings.json").write_text(json.dumps(obj), encoding="utf-8")
    assert findings.read(tmp_path)["sentences"] == []


@pytest.mark.parametrize("status, vi, en", [
    ("simulated", "MÔ PHỎNG", "SIMULATED"),
    ("not_comparable", "KHÔNG SO SÁNH ĐƯỢC", "NOT COMPARABLE"),
    ("refused", "Từ chối ước lượng", "Refused"),
])
def test_status_labels_use_the_stamps_of_the_figures_in_each_language(status, vi, en):
    assert findings.status_label(status, "vi") == vi
    assert findings.status_label(status, "en") == en


def test_every_status_has_a_label_and_report_titles_are_translated():
    assert set(findings.STATUS_LABELS) == set(findings.STATUSES)
    for stem in findings.REPORT_TITLES:
        vi, en = findings.report_title(stem, "vi"), findings.report_title(stem, "en")
        assert vi != en and vi == unicodedata.normalize("NFC", vi)
    assert findings.report_title("99_unknown", "vi") == "99_unknown"
