"""Finding documents, pages in natural order, transcriptions, and escaping symlinks."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.discover import discover, natural_key
from pipeline.errors import UsageError


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_files_and_folders_become_documents(tmp_path: Path) -> None:
    touch(tmp_path / "21336.png")
    touch(tmp_path / "21336.transcript.txt")
    touch(tmp_path / "21336.gt.txt")
    touch(tmp_path / "report.pdf")
    for name in ("p10.png", "p2.png", "p1.png", "notes.txt"):
        touch(tmp_path / "tele" / name)
    touch(tmp_path / "tele" / "transcript.txt")
    (tmp_path / "empty-folder").mkdir()
    docs = {d.doc_id: d for d in discover(tmp_path)}
    assert sorted(docs) == ["21336", "report", "tele"]
    assert docs["21336"].transcript == tmp_path / "21336.transcript.txt"
    assert docs["report"].transcript is None
    assert [p.path.name for p in docs["tele"].pages] == ["p1.png", "p2.png", "p10.png"]
    assert docs["tele"].transcript == tmp_path / "tele" / "transcript.txt"


def test_names_with_spaces_cyrillic_and_quotes_are_kept(tmp_path: Path) -> None:
    touch(tmp_path / 'Телеграмма "Пекин" 1951.png')
    assert [d.doc_id for d in discover(tmp_path)] == ['Телеграмма "Пекин" 1951']


def test_symlink_outside_scans_is_a_problem(tmp_path: Path) -> None:
    outside = touch(tmp_path / "elsewhere" / "secret.png")
    scans = tmp_path / "scans"
    scans.mkdir()
    (scans / "link.png").symlink_to(outside)
    touch(scans / "ok.png")
    docs = {d.doc_id: d for d in discover(scans)}
    assert "outside the scans folder" in docs["link"].problem
    assert docs["ok"].problem == ""


def test_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError):
        discover(tmp_path / "nope")


def test_natural_key() -> None:
    assert sorted(["p10", "p2", "P1"], key=natural_key) == ["P1", "p2", "p10"]
