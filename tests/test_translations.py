"""The English catalogue is whole: pybabel finds every marked word (babel.cfg) and each has an English
translation, with the same %(values)s, no Chinese in it, and a compiled .mo that says the same."""
import re
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations/en/LC_MESSAGES/messages.po"
MO = PO.with_suffix(".mo")
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef]")


def extracted(tmp_path):
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([str(pybabel), "--quiet", "extract", "-F", "babel.cfg", "-k", "t", "--no-location",
                    "-o", str(pot), "app.py", "blueprints", "db", "templates"], cwd=ROOT, check=True)
    with pot.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def catalogue():
    with PO.open("rb") as f:
        return read_po(f)


def test_every_marked_word_has_an_english_translation(tmp_path):
    words, po = extracted(tmp_path), catalogue()
    assert len(words) > 30  # the extraction found the marked words
    missing = sorted(w for w in words if not po.get(w) or not po.get(w).string or po.get(w).fuzzy)
    assert not missing, f"{len(missing)} untranslated (make translations, then fill translations/en): {missing[:30]}"


def test_translations_keep_their_values_and_leave_no_chinese():
    po = catalogue()
    errors = [(m.id, [str(e) for e in errs]) for m, errs in po.check() if errs]
    assert not errors, errors[:20]
    chinese = [(m.id, m.string) for m in po if m.id and CJK.search(m.string or "")]
    assert not chinese, chinese[:20]


def test_the_compiled_catalogue_is_the_po():
    with MO.open("rb") as f:
        compiled = {m.id: m.string for m in read_mo(f) if m.id}
    written = {m.id: m.string for m in catalogue() if m.id and m.string and not m.fuzzy}
    assert compiled == written, "translations/en/…/messages.mo is stale: run make translations"
