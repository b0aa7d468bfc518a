"""The report language: --lang over LANDQUOTA_LANG over English, and the shared terms."""

import pytest

from optimizer.data.lang import LANG_ENV, TERMS, Lang, resolve_lang, term


def test_option_wins_over_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(LANG_ENV, "zh")
    assert resolve_lang("en") is Lang.EN
    assert resolve_lang(None) is Lang.ZH
    monkeypatch.delenv(LANG_ENV)
    assert resolve_lang(None) is Lang.EN


def test_bad_language_names_the_value() -> None:
    with pytest.raises(ValueError, match=r"--lang='fr'.*en, zh"):
        resolve_lang("fr")


def test_every_term_has_both_languages() -> None:
    for key, (en, zh) in TERMS.items():
        assert en and zh and en != zh, key
    assert term("mu", "zh") == "亩" and term("mu") == "mu"
