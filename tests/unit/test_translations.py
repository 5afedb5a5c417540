"""The compiled catalogue in the repository is the one its .po file gives."""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

CATALOGUES = Path(__file__).resolve().parents[2] / "server" / "translations"


def test_every_po_file_is_compiled_and_complete():
    po_files = sorted(CATALOGUES.glob("*/LC_MESSAGES/messages.po"))
    assert po_files, "no translations found"
    for po in po_files:
        with po.open("rb") as handle:
            catalog = read_po(handle)
        untranslated = [m.id for m in catalog if m.id and not m.string]
        assert untranslated == [], f"{po}: untranslated {untranslated}"
        compiled = io.BytesIO()
        write_mo(compiled, catalog)
        assert po.with_suffix(".mo").read_bytes() == compiled.getvalue(), (
            f"{po.with_suffix('.mo')} is stale: run `make translations`")
