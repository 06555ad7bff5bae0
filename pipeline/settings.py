"""All settings of a run, loaded from an optional TOML config, with a fingerprint per stage.

Each stage owns its settings dataclass (next to the code that uses it); this module only
composes them, reads ``--config FILE`` and fingerprints a stage's settings so that a
changed setting reruns that stage and the ones after it, and no others.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.align import AlignSettings
from pipeline.correct import CorrectSettings
from pipeline.errors import UsageError
from pipeline.noise import NoiseSettings
from pipeline.ocr import OcrSettings
from pipeline.preprocess import PreprocessSettings

SECTIONS = ("preprocess", "ocr", "noise", "correct", "align")


@dataclass(frozen=True)
class Settings:
    """Everything configurable, one section per stage (TOML tables of the same names)."""

    preprocess: PreprocessSettings = field(default_factory=PreprocessSettings)
    ocr: OcrSettings = field(default_factory=OcrSettings)
    noise: NoiseSettings = field(default_factory=NoiseSettings)
    correct: CorrectSettings = field(default_factory=CorrectSettings)
    align: AlignSettings = field(default_factory=AlignSettings)


def _build_section(cls: type, values: dict[str, Any], where: str) -> Any:
    known = {f.name: f for f in dataclasses.fields(cls)}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise UsageError(f"{where}: unknown setting(s) {', '.join(unknown)}")
    kwargs: dict[str, Any] = {}
    for name, value in values.items():
        default = getattr(cls(), name)
        if dataclasses.is_dataclass(default) and isinstance(value, dict):
            kwargs[name] = _build_section(type(default), value, f"{where}.{name}")
        elif isinstance(default, tuple) and isinstance(value, list):
            kwargs[name] = tuple(value)
        else:
            kwargs[name] = value
    return cls(**kwargs)


def parse_settings(data: dict[str, Any], source: str = "config") -> Settings:
    """Build Settings from a parsed TOML mapping; unknown keys are a usage error."""
    unknown = sorted(set(data) - set(SECTIONS))
    if unknown:
        raise UsageError(f"{source}: unknown section(s) {', '.join(unknown)}")
    sections = {
        name: _build_section(type(getattr(Settings(), name)), data.get(name, {}), f"{source} [{name}]")
        for name in SECTIONS
    }
    return Settings(**sections)


def load_settings(path: str | Path | None) -> Settings:
    """Read ``--config FILE`` (TOML); no file means the defaults."""
    if not path:
        return Settings()
    config = Path(path)
    try:
        data = tomllib.loads(config.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise UsageError(f"{config}: config file not found") from e
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
        raise UsageError(f"{config}: not a valid TOML file ({e})") from e
    return parse_settings(data, str(config))


def fingerprint(*sections: Any) -> str:
    """Short stable hash of settings sections; stored in outputs to detect changed settings."""
    payload = json.dumps([dataclasses.asdict(s) for s in sections], sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def stage_fingerprints(settings: Settings) -> dict[str, str]:
    """Fingerprint of each stage, chained: a change upstream changes everything downstream."""
    return dict(_stage_fingerprints(settings))


@functools.lru_cache(maxsize=16)
def _stage_fingerprints(settings: Settings) -> tuple[tuple[str, str], ...]:
    # Memoised: Luigi asks every task whether it is complete, several times per run, and each
    # answer compares fingerprints (1.5 ms each to serialise and hash the settings).
    pre = fingerprint(settings.preprocess)
    ocr = fingerprint(settings.preprocess, settings.ocr, settings.noise)
    cor = fingerprint(settings.preprocess, settings.ocr, settings.noise, settings.correct)
    dif = fingerprint(settings.preprocess, settings.ocr, settings.noise, settings.correct, settings.align)
    return (("preprocess", pre), ("ocr", ocr), ("correct", cor), ("diff", dif))
