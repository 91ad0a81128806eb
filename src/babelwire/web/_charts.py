"""Small server-rendered SVG charts: pure functions from counts to an SVG string (every text escaped).

The charts are images to people (``role="img"`` with a ``<title>`` and ``<desc>``) and need no
JavaScript. Labels are untrusted (headlines, source names): they only ever reach the SVG through
``_text``/``_attr``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from xml.sax.saxutils import escape, quoteattr

__all__ = ["sparkline", "timeline_chart", "PALETTE"]

# Okabe-Ito: told apart with the common colour-vision deficiencies.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000", "#F0E442")
_MUTED = "#9aa3ad"


def _text(value: object) -> str:
    return escape(str(value))


def _attr(value: object) -> str:
    return quoteattr(str(value))


def _uid(value: str) -> str:
    # ids and references inside the SVG: letters, digits and dashes only
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch == "-") else "-" for ch in value) or "chart"


def _open(uid: str, width: int, height: int, title: str, desc: str, cls: str) -> list[str]:
    return [f'<svg xmlns="http://www.w3.org/2000/svg" class={_attr(cls)} width="{width}" height="{height}" '
            f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="{uid}-title {uid}-desc">',
            f'<title id="{uid}-title">{_text(title)}</title>', f'<desc id="{uid}-desc">{_text(desc)}</desc>']


def sparkline(counts: Sequence[int], *, window: int, title: str, desc: str, uid: str = "spark",
              width: int = 320, height: int = 56) -> str:
    """Return an SVG of one bar per non-zero count (oldest first), the last ``window`` counts drawn as the
    window (class ``bar window``), the ones before as the baseline (class ``bar base``)."""
    uid = _uid(uid)
    n = max(len(counts), 1)
    top = max([*counts, 1])
    step = width / n
    plot = height - 4
    out = _open(uid, width, height, title, desc, "chart sparkline")
    wx = width - min(window, n) * step
    out.append(f'<rect class="window-band" x="{wx:.1f}" y="0" width="{width - wx:.1f}" height="{height}" '
               f'fill="#fff4d6"/>')
    out.append(f'<line x1="0" y1="{plot + 1}" x2="{width}" y2="{plot + 1}" stroke="{_MUTED}" stroke-width="1"/>')
    for i, c in enumerate(counts):
        if c <= 0:
            continue
        in_window = i >= n - window
        h = max(plot * c / top, 1.5)
        out.append(f'<rect class="bar {"window" if in_window else "base"}" x="{i * step + 0.5:.1f}" '
                   f'y="{plot + 1 - h:.1f}" width="{max(step - 1, 1):.1f}" height="{h:.1f}" '
                   f'fill="{PALETTE[5] if in_window else _MUTED}"><title>{_text(c)}</title></rect>')
    out.append("</svg>")
    return "".join(out)


def timeline_chart(labels: Sequence[str], originals: Mapping[str, Sequence[int]],
                   copies: Mapping[str, Sequence[int]], *, title: str, desc: str, first_index: int | None = None,
                   first_label: str = "first report", names: Mapping[str, str] | None = None,
                   uid: str = "timeline", width: int = 760, height: int = 260) -> str:
    """Return an SVG of stacked bars: one column per label, one segment per language with reports in it,
    originals solid (class ``bar original``) and copies hatched (class ``bar copy``) in the language's colour;
    a legend (class ``legend``) names each language (``names`` maps codes to names) and the copy hatching,
    and a marker (class ``first``) stands over column ``first_index``."""
    uid = _uid(uid)
    n = max(len(labels), 1)
    langs = sorted(set(originals) | set(copies))
    colour = {la: PALETTE[i % len(PALETTE)] for i, la in enumerate(langs)}
    totals = [sum(s[i] for s in (*originals.values(), *copies.values()) if i < len(s)) for i in range(n)]
    top = max([*totals, 1])
    legend_h = 22 * ((len(langs) + 2 + 3) // 4)
    left, right, plot_top, plot_bottom = 34, 10, 34, height - 28 - legend_h
    plot_h, step = plot_bottom - plot_top, (width - left - right) / n
    out = _open(uid, width, height, title, desc, "chart timeline-chart")
    out.append("<defs>")
    for la in langs:
        out.append(f'<pattern id="{uid}-hatch-{_uid(la)}" width="6" height="6" patternUnits="userSpaceOnUse" '
                   f'patternTransform="rotate(45)"><rect width="6" height="6" fill="{colour[la]}" opacity="0.35"/>'
                   f'<line x1="0" y1="0" x2="0" y2="6" stroke="{colour[la]}" stroke-width="3"/></pattern>')
    out.append("</defs>")
    # axes: 0 and the top count on the left, first / middle / last label under the columns
    out.append(f'<line x1="{left}" y1="{plot_bottom}" x2="{width - right}" y2="{plot_bottom}" stroke="#333"/>')
    for value, y in ((0, plot_bottom), (top, plot_top)):
        out.append(f'<text class="tick" x="{left - 6}" y="{y + 4}" text-anchor="end" font-size="11">{value}</text>')
    for i in sorted({0, (n - 1) // 2, n - 1}):
        if i < len(labels):
            anchor = "start" if i == 0 else "end" if i == n - 1 else "middle"
            x = left + i * step + (0 if i == 0 else step if i == n - 1 else step / 2)
            out.append(f'<text class="tick" x="{x:.1f}" y="{plot_bottom + 15}" text-anchor="{anchor}" '
                       f'font-size="11">{_text(labels[i])}</text>')
    for i in range(n):
        cursor = float(plot_bottom)  # the top of the column so far
        for la in langs:
            for kind, series in (("original", originals), ("copy", copies)):
                c = series.get(la, ())
                v = c[i] if i < len(c) else 0
                if v <= 0:
                    continue
                h = plot_h * v / top
                cursor -= h
                fill = colour[la] if kind == "original" else f"url(#{uid}-hatch-{_uid(la)})"
                label = f"{labels[i] if i < len(labels) else i}: {v} {kind}{'s' if v != 1 else ''} in " \
                        f"{(names or {}).get(la, la)}"
                out.append(f'<rect class="bar {kind}" data-lang={_attr(la)} x="{left + i * step + 1:.1f}" '
                           f'y="{cursor:.1f}" width="{max(step - 2, 1):.1f}" height="{h:.1f}" fill="{fill}">'
                           f'<title>{_text(label)}</title></rect>')
    if first_index is not None and 0 <= first_index < n:
        x = left + (first_index + 0.5) * step
        out.append(f'<g class="first"><line x1="{x:.1f}" y1="{plot_top - 6}" x2="{x:.1f}" y2="{plot_bottom}" '
                   f'stroke="#111" stroke-dasharray="3 2"/><path d="M{x - 5:.1f},{plot_top - 14} h10 l-5,7 z" '
                   f'fill="#111"/><text x="{min(max(x, left + 40), width - 60):.1f}" y="{plot_top - 16}" '
                   f'font-size="11" text-anchor="middle">{_text(first_label)}</text></g>')
    out.append(_legend(langs, colour, names or {}, uid, plot_bottom + 26, width))
    out.append("</svg>")
    return "".join(out)


def _legend(langs: Sequence[str], colour: Mapping[str, str], names: Mapping[str, str], uid: str, top: int,
            width: int) -> str:
    items = [(f'<rect width="12" height="12" fill="{colour[la]}"/>', names.get(la, la)) for la in langs]
    items.append((f'<rect width="12" height="12" fill="url(#{uid}-hatch-{_uid(langs[0])})"/>' if langs else "",
                  "copy (hatched)"))
    items.append(('<path d="M1,1 h10 l-5,7 z" fill="#111"/>', "first report"))
    col = width // 4
    out = [f'<g class="legend" transform="translate(34,{top})">']
    for j, (swatch, name) in enumerate(items):
        x, y = (j % 4) * col, (j // 4) * 22
        out.append(f'<g class="legend-item" transform="translate({x},{y})">{swatch}'
                   f'<text x="18" y="11" font-size="12">{_text(name)}</text></g>')
    out.append("</g>")
    return "".join(out)
