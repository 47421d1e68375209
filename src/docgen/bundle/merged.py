"""合订本: every bundled 件's PDF/A in 档号 order, one bookmark per 件 ("档号 题名").

A reading copy for the inspector, made with pikepdf; the authoritative files are the
per-件 PDF/A next to their record.json.
"""

from __future__ import annotations

import io
from pathlib import Path


def merge(parts: list[tuple[str, Path]], out: Path, *, title: str) -> int:
    """Concatenate `parts` — (bookmark text, PDF path) in order — into `out`; return pages."""
    import pikepdf

    merged = pikepdf.new()
    sources = []  # pages copied from a PDF need it open until the save
    try:
        with merged.open_outline() as outline:
            for label, path in parts:
                # from memory: a thousand open files would press the descriptor limit
                src = pikepdf.open(io.BytesIO(path.read_bytes()))
                sources.append(src)
                first = len(merged.pages)
                merged.pages.extend(src.pages)
                outline.root.append(pikepdf.OutlineItem(label, first))
        merged.docinfo["/Title"] = title
        merged.docinfo["/Creator"] = "docgen"
        merged.Root.PageMode = pikepdf.Name.UseOutlines
        merged.save(out, deterministic_id=True, compress_streams=True,
                    object_stream_mode=pikepdf.ObjectStreamMode.generate)
        return len(merged.pages)
    finally:
        for src in sources:
            src.close()
        merged.close()
