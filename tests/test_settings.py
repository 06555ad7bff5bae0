"""Config files and stage fingerprints."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.errors import UsageError
from pipeline.settings import Settings, load_settings, stage_fingerprints


def test_defaults_without_config() -> None:
    assert load_settings(None) == Settings()


def test_config_changes_only_its_stage_and_later(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[ocr]\npsm = 6\n", encoding="utf-8")
    base, changed = stage_fingerprints(Settings()), stage_fingerprints(load_settings(config))
    assert base["preprocess"] == changed["preprocess"]
    assert base["ocr"] != changed["ocr"]
    assert base["correct"] != changed["correct"] and base["diff"] != changed["diff"]


@pytest.mark.parametrize(
    ("text", "message"),
    [("[ocr]\nbogus = 1\n", "unknown setting"), ("[nope]\n", "unknown section"), ("[ocr\n", "not a valid TOML")],
)
def test_bad_config_is_a_usage_error(tmp_path: Path, text: str, message: str) -> None:
    config = tmp_path / "c.toml"
    config.write_text(text, encoding="utf-8")
    with pytest.raises(UsageError, match=message):
        load_settings(config)
