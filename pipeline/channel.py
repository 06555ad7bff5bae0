"""The noisy channel: how likely Tesseract is to read one lower-case string for another.

``Channel.cost(read, meant)`` is -log P(read | meant), the cheapest alignment of the two strings
whose steps are the confusion table's substitutions (``ц`` read as ``и``) and groups (``ы`` read
as ``ьı``, ``m`` as ``rn``), or a plain substitution, insertion or deletion at a fixed cost. The
corrector ranks its candidates with it; ``lower_bound`` lets it skip those that cannot win.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

from pipeline.lexicon import Confusion, lower_confusions

# The cost of an ё read where the word has е (see ``Channel.__init__``).
YO_COST = 0.5

_NO_SUBSTITUTIONS: dict[str, float] = {}


class Channel:
    """Confusion-weighted edit cost -log P(read | meant) over lower-case strings."""

    def __init__(self, confusions: list[Confusion], substitution_cost: float, indel_cost: float) -> None:
        self.sub = substitution_cost
        self.indel = indel_cost
        self.table: dict[tuple[str, str], float] = {
            k: -math.log(p) for k, p in lower_confusions(confusions).items() if p > 0
        }
        # Typewriters of the era rarely had ё: an ё read where a word has е is a speck over е.
        self.table[("ё", "е")] = min(self.table.get(("ё", "е"), math.inf), YO_COST)

        self.min_step = min([self.sub, self.indel, *self.table.values()])
        by_read: dict[str, list[tuple[str, str, float]]] = {}
        for (o, t), c in self.table.items():
            if len(o) != 1 or len(t) != 1:
                by_read.setdefault(o[:1], []).append((o, t, c))
        self.group_rules = by_read
        # Single-letter substitutions by read letter: the alignments look a row up per read
        # letter, not a (read, meant) tuple per cell.
        self.substitutions: dict[str, dict[str, float]] = {}
        for (o, t), c in self.table.items():
            if len(o) == 1 and len(t) == 1:
                self.substitutions.setdefault(o, {})[t] = c
        self.cheapest_from: dict[str, float] = {}
        for (o, _t), c in self.table.items():
            if o:
                self.cheapest_from[o[0]] = min(self.cheapest_from.get(o[0], math.inf), c)
        self._min_step_by_letters: dict[str, float] = {}
        self._groups: dict[str, Any] = {}

    def _find_groups(self, read: str) -> list[list[tuple[int, int, str, float]]] | None:
        """Confusion groups (rn->m, ьı->ы) that can start at each position of ``read``; None if none.

        Memoised per read word in ``_groups``: every candidate of a word is costed against it.
        """
        rules = self.group_rules
        groups: list[list[tuple[int, int, str, float]]] | None = None
        for i, ch in enumerate(read):
            for o, t, c in rules.get(ch, ()):
                if read.startswith(o, i):
                    if groups is None:
                        groups = [[] for _ in range(len(read))]
                    groups[i].append((len(o), len(t), t, c))
        return groups

    def lower_bound(self, distance: int, read: str = "") -> float:
        """No candidate ``distance`` edits away from ``read`` costs less than this.

        Each edit costs at least the cheapest step that can start at one of ``read``'s letters
        (a listed confusion of that letter, or a plain substitution or indel), which prunes
        most candidates of words without the cheap letters (ё, ь, о) before their costing.
        """
        if not read:
            return distance * self.min_step
        step = self._min_step_by_letters.get(read)
        if step is None:
            step = min([self.sub, self.indel, *(self.cheapest_from.get(ch, math.inf) for ch in set(read))])
            if len(self._min_step_by_letters) < 100_000:
                self._min_step_by_letters[read] = step
        return distance * step

    @lru_cache(maxsize=200_000)  # noqa: B019 -- one channel per Corrector, lives as long as it
    def cost(self, read: str, meant: str) -> float:
        groups = self._groups.get(read, False)
        if groups is False:
            groups = self._groups[read] = self._find_groups(read)
        if groups is None:
            # Without group rules every step is one character at a uniform indel cost, and then
            # a common prefix and suffix are always matched by some cheapest alignment: only the
            # differing middle needs the table (candidates differ from the word in 1-2 places).
            n, m = len(read), len(meant)
            p = 0
            while p < n and p < m and read[p] == meant[p]:
                p += 1
            q = 0
            while q < n - p and q < m - p and read[n - 1 - q] == meant[m - 1 - q]:
                q += 1
            read, meant = read[p : n - q], meant[p : m - q]
            if not read or not meant:
                return (len(read) + len(meant)) * self.indel
            return self._plain(read, meant)
        return self._dp(read, meant, groups)

    def _plain(self, read: str, meant: str) -> float:
        """``_dp`` without group steps, for the short middles left after trimming.

        Same band, same recurrence, same additions (each cell pulls from the in-band cells that
        ``_dp`` would push from), so the result is identical to ``_dp``'s at a fraction of its
        bookkeeping; most candidates differ from the word in one substitution.
        """
        sub, indel = self.sub, self.indel
        if len(read) == 1 and len(meant) == 1:
            step = 0.0 if read == meant else self.table.get((read, meant), sub)
            return min(0.0 + step, 0.0 + indel + indel)
        n, m = len(read), len(meant)
        rows, no_row = self.substitutions, _NO_SUBSTITUTIONS
        if n == m:
            # The diagonal alignment (substitutions only) sums its steps in the order the table
            # would; every other alignment has an insertion and a deletion, so it costs at least
            # two indels. A diagonal no dearer than that is the minimum, exactly (most middles
            # of equal length are two substitutions apart).
            diagonal = 0.0
            for a, b in zip(read, meant, strict=True):
                if a != b:
                    diagonal += rows.get(a, no_row).get(b, sub)
            if diagonal <= indel + indel:
                return diagonal
        elif n - m in (1, -1):
            # One string has a letter more. An alignment with a single indel is a gap in the longer
            # string and diagonals on either side of it (``early`` steps pair equal positions,
            # ``late`` ones pair across the gap), summed in path order; every other alignment has
            # at least three indels, as their count has the parity of the length difference.
            short = min(n, m)
            dr, dm = (1, 0) if n > m else (0, 1)
            early = [0.0 if a == b else rows.get(a, no_row).get(b, sub) for a, b in zip(read, meant, strict=False)]
            late = [
                0.0 if a == b else rows.get(a, no_row).get(b, sub)
                for a, b in zip(read[dr : dr + short], meant[dm : dm + short], strict=True)
            ]
            best = math.inf
            before = 0.0  # the early steps ahead of the gap, summed
            for gap in range(short + 1):
                total = before + indel
                for step in late[gap:]:
                    total += step
                if total < best:
                    best = total
                if gap < short:
                    before += early[gap]
            if best <= indel + indel + indel:
                return best
        inf = math.inf
        band = abs(n - m) + 3
        prev = [inf] * (m + 1)
        prev[0] = 0.0
        for j in range(1, min(m, band) + 1):
            prev[j] = prev[j - 1] + indel
        for i in range(1, n + 1):
            a = read[i - 1]
            costs = rows.get(a, no_row)
            cur = [inf] * (m + 1)
            lo = i - band
            if lo <= 0:
                cur[0] = prev[0] + indel
                lo = 1
            left = cur[lo - 1]  # the cell before the band's first: carried along the row
            for j in range(lo, min(m, i + band) + 1):
                b = meant[j - 1]
                best = prev[j - 1] + (0.0 if a == b else costs.get(b, sub))
                up = prev[j] + indel
                if up < best:
                    best = up
                left += indel
                if best < left:
                    left = best
                cur[j] = left
            prev = cur
        return prev[m]

    def _dp(self, read: str, meant: str, groups: list[list[tuple[int, int, str, float]]] | None) -> float:
        """Cheapest alignment in a band around the diagonal (single steps and group steps)."""
        n, m = len(read), len(meant)
        inf = math.inf
        band = abs(n - m) + 3  # candidates are at most 2 edits away; groups shift by one more
        if groups is None:
            groups = [[] for _ in range(n)]
        d = [[inf] * (m + 1) for _ in range(n + 1)]
        d[0][0] = 0.0
        sub, indel = self.sub, self.indel
        rows, no_row = self.substitutions, _NO_SUBSTITUTIONS
        for i in range(n + 1):
            row = d[i]
            nxt = d[i + 1] if i < n else None
            a = read[i] if i < n else ""
            costs = rows.get(a, no_row)
            gi_list = groups[i] if i < n else ()
            lo, hi = max(0, i - band), min(m, i + band)
            for j in range(lo, hi + 1):
                here = row[j]
                if here == inf:
                    continue
                if nxt is not None:
                    if j < m:
                        b = meant[j]
                        step = here + (0.0 if a == b else costs.get(b, sub))
                        if step < nxt[j + 1]:
                            nxt[j + 1] = step
                    if here + indel < nxt[j]:
                        nxt[j] = here + indel
                if j < m and here + indel < row[j + 1]:
                    row[j + 1] = here + indel
                for gi, gj, t, c in gi_list:
                    if j + gj <= m and meant.startswith(t, j) and here + c < d[i + gi][j + gj]:
                        d[i + gi][j + gj] = here + c
        return d[n][m]
