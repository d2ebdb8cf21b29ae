"""Split the operating manual (db/data/manual.txt, kept word for word) into its sections, as data for
the 帮助 pages: db/data/manual.json. Run again whenever the manual's text changes:

    python scripts/manual_sections.py

Each section keeps the manual's own words in order: paragraphs (lines broken mid-sentence are joined),
steps (numbered lines, or when nothing is numbered the paragraphs that say what to 点击 or end in ；) and figures
(the captions 图一, 图二 …). Nothing is rewritten."""
import json
import re
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "db" / "data"
SOURCE = DATA / "manual.txt"
TARGET = DATA / "manual.json"

NUMERALS = "一二三四五六七八九十"
TOP = re.compile(rf"^([{NUMERALS}]+)、(\S.*?)[.。]*$")
SUB = re.compile(r"^(\d+\.\d+)\.?\s*(\S.*?)[:：]?$")
FIGURE = re.compile(rf"^图[{NUMERALS}]+$")
NUMBERED = re.compile(r"^(\d+)\.\s*")
ENDS = tuple("。）)：:；;")


def top_key(numeral: str) -> str:
    value = 10 if numeral == "十" else NUMERALS.index(numeral) + 1
    return str(value)


def parse(text: str) -> list[dict]:
    lines = [line.strip() for line in text.splitlines()]
    contents_end = max(i for i, line in enumerate(lines) if re.search(r"\t\d+$", line))  # 目录: "title<TAB>page"
    start = next(i for i in range(contents_end + 1, len(lines)) if TOP.match(lines[i]))
    sections, current, pending = [], None, ""
    for line in lines[start:]:
        top, sub = TOP.match(line), SUB.match(line)
        if top or sub:
            current = _flush(current, pending)
            pending = ""
            key, title = (top_key(top.group(1)), top.group(2)) if top else (sub.group(1), sub.group(2))
            current = {"key": key, "number": top.group(1) if top else sub.group(1), "title": title.rstrip(":："),
                       "blocks": []}
            sections.append(current)
            continue
        if current is None or not line:
            continue
        if FIGURE.match(line):
            current = _flush(current, pending)
            pending = ""
            current["blocks"].append({"kind": "figure", "text": line})
            continue
        if NUMBERED.match(line):  # a numbered line is a step of its own
            current = _flush(current, pending)
            pending = ""
        pending += line
        if pending.endswith(ENDS) or NUMBERED.match(pending):
            current = _flush(current, pending)
            pending = ""
    _flush(current, pending)
    for section in sections:
        _mark_steps(section)
    return sections


def _flush(section, paragraph: str):
    if section is not None and paragraph:
        section["blocks"].append({"kind": "text", "text": paragraph})
    return section


def _mark_steps(section: dict) -> None:
    texts = [b for b in section["blocks"] if b["kind"] == "text"]
    numbered = [b for b in texts if NUMBERED.match(b["text"])]
    if numbered:
        blocks = []
        for block in section["blocks"]:
            if block in numbered:  # "1. a 2. b 3. c" on one line is three steps
                for part in re.split(r"\s+(?=\d+\.\s)", block["text"]):
                    blocks.append({"kind": "step", "text": NUMBERED.sub("", part, count=1)})
            else:
                blocks.append(block)
        section["blocks"] = blocks
        return
    for block in texts:
        if "点击" in block["text"] or block["text"].endswith(("；", ";")):
            block["kind"] = "step"


def main() -> None:
    sections = parse(SOURCE.read_text(encoding="utf-8"))
    TARGET.write_text(json.dumps({"source": "db/data/manual.txt", "sections": sections}, ensure_ascii=False,
                                 indent=1) + "\n", encoding="utf-8")
    print(f"{len(sections)} sections written to {TARGET.relative_to(DATA.parent.parent)}")


if __name__ == "__main__":
    main()
