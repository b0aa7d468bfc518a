"""Chinese output: full-width brackets, and a run folder read back reads as the solve did.

``explain RUNFOLDER --lang zh`` of an infeasible run used to print its causes in English
(diagnosis.csv keeps the engine's sentences and no codes); summary.json's diagnosis rows
now carry each cause's code and params, so the read-back words them as the solve does.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from optimizer.cli.app import EXIT_NO_SOLUTION, app
from optimizer.cli.words import ENGLISH, Words
from optimizer.data.lang import Lang
from optimizer.data.numbers import price_per_ha
from optimizer.runs.read import read_run

runner = CliRunner()
REFERENCE = Path(__file__).resolve().parent.parent / "inputs" / "shanxi-central"
#: The reference scenario made infeasible: a pool far below the guaranteed minima.
INFEASIBLE = ("--set", "quota.total=100", "--set", "linkage.scope=none")
#: A half-width bracket next to a Chinese character or a unit word: Chinese text uses （）.
HALF_WIDTH_IN_CHINESE = re.compile(r"[\u4e00-\u9fff]\)|\([\d.,]+/亩|/公顷 \(")


def invoke(*args: str | Path):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "100"})


def test_a_price_per_mu_is_in_full_width_brackets_in_chinese_only():
    zh = Words(Lang.ZH)
    assert zh.units(price_per_ha(0.4455)) == "0.4455/公顷（0.0297/亩）"
    assert zh.units(price_per_ha(0.4455, "万元")) == "0.4455 万元/公顷（0.0297 万元/亩）"
    assert ENGLISH.units(price_per_ha(0.4455)) == "0.4455/ha (0.0297/亩)"


@pytest.fixture(scope="module")
def feasible_run(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("zh") / "run"
    solved = invoke("solve", REFERENCE, "--out", out, "--lang", "zh")
    assert solved.exit_code == 0, solved.output
    return out, solved.stdout


def test_chinese_reports_show_no_half_width_bracket_around_a_price(feasible_run, tmp_path):
    out, solve_text = feasible_run
    explained = invoke("explain", out, "--lang", "zh")
    compared = invoke("compare", out, REFERENCE, "--set-b", "quota.total=54000", "--lang", "zh")
    assert explained.exit_code == 0 and compared.exit_code == 0, compared.output
    assert "Z 提高 " in solve_text and "（0.0297/亩）" in solve_text  # the pool price
    assert "指标总量：0.4455/公顷（0.0297/亩）（限值 60,000）" in explained.stdout
    assert "Z（加权公顷）" in compared.stdout and "已用指标（公顷）" in compared.stdout
    assert re.search(r"\n\S+（\S+市） +\S+（\S+市） +[\d,]+ ", solve_text)  # a linkage flow
    for text in (solve_text, explained.stdout, compared.stdout):
        price_lines = [line for line in text.splitlines() if "亩" in line or "公顷" in line]
        assert [line for line in price_lines if HALF_WIDTH_IN_CHINESE.search(line)] == []
    english = invoke("explain", out, "--lang", "en").stdout
    assert "0.4455/ha (0.0297/亩)" in english  # English keeps its brackets


@pytest.fixture(scope="module")
def infeasible_run(tmp_path_factory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("zh-infeasible") / "run"
    solved = invoke("solve", REFERENCE, "--out", out, *INFEASIBLE, "--lang", "zh")
    assert solved.exit_code == EXIT_NO_SOLUTION, solved.output
    return out, solved.stdout


def _causes(text: str) -> list[str]:
    """The lines of the section on why there is no solution."""
    lines = text.splitlines()
    start = lines.index("情景无解的原因：") + 1
    return lines[start : lines.index("", start)]


def test_explain_of_an_infeasible_run_folder_words_its_causes_in_chinese(infeasible_run):
    out, solve_text = infeasible_run
    explained = invoke("explain", out, "--lang", "zh")
    assert explained.exit_code == EXIT_NO_SOLUTION, explained.output  # as the solve exits
    causes = _causes(explained.stdout)
    assert causes == _causes(solve_text)  # as the solve printed them
    assert causes[0].startswith("• 指标总量（100 公顷）") and "保障下限" in " ".join(causes)
    assert "The quota pool" not in explained.stdout
    assert "保留英文" not in explained.stdout  # no "kept in English" note any more
    # the file keeps the engine's English and its own columns; summary.json has the codes
    diagnosis = (out / "diagnosis.csv").read_text(encoding="utf-8-sig")
    assert diagnosis.splitlines()[0].endswith(",setting,message")
    assert "The quota pool (100 ha)" in diagnosis
    rows = json.loads((out / "summary.json").read_text(encoding="utf-8"))["diagnosis"]["rows"]
    cause = next(r for r in rows if r["kind"] == "cause")
    assert cause["code"].startswith("cause.") and cause["params"]["quota"] == "100"
    # besides the causes, only single fixes worded as a list or a choice carry a code
    assert all(r["code"] is None for r in rows if r["kind"] not in ("cause", "single"))
    assert all(r["code"] in (None, "single.text") for r in rows if r["kind"] == "single")
    back = read_run(out).diagnosis
    assert back.loc[back["kind"] == "cause", "code"].tolist() == [
        r["code"] for r in rows if r["kind"] == "cause"
    ]


def test_a_run_folder_without_codes_keeps_english_causes_with_a_note(infeasible_run, tmp_path):
    """Run folders written before the codes: the causes stay English, said once."""
    out, _ = infeasible_run
    old = tmp_path / "old"
    old.mkdir()
    for p in out.iterdir():
        (old / p.name).write_bytes(p.read_bytes())
    summary = json.loads((old / "summary.json").read_text(encoding="utf-8"))
    for row in summary["diagnosis"]["rows"]:
        row.pop("code"), row.pop("params")
    (old / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    explained = invoke("explain", old, "--lang", "zh")
    assert explained.exit_code == EXIT_NO_SOLUTION, explained.output
    assert "保留英文" in explained.stdout
    assert _causes(explained.stdout)[0].startswith("• The quota pool (100 ha)")
