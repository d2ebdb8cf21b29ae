"""导出: the whole result as CSV, streamed a chunk at a time: memory does not grow with the result;
Excel-safe (BOM, formulas disarmed, long numbers kept as text)."""
import csv
import io
import re
import tracemalloc

import pytest
from sqlmodel import select

from db import bulk, export, queries
from db.actor import Actor
from db.models import CardKind, Enterprise
from db.queries import Condition

BUREAU = Actor(card_id=None, card_no="bureau", kind=CardKind.BUREAU)


@pytest.fixture(scope="module")
def scale(databases):
    """A database with 30,000 scale forms (and their declarations)."""
    database = databases.new("demo")
    bulk.add_forms(database, 30_000)
    yield database
    database.dispose()


def peak_while_exporting(database, conditions) -> tuple[int, int]:
    """(rows, peak bytes allocated) while the CSV of the result is produced and thrown away."""
    with database.session() as session:
        stmt = queries.form_select(BUREAU, conditions, session=session)
        tracemalloc.start()
        rows = sum(chunk.count("\r\n") for chunk in export.csv_lines("form", session, stmt)) - 1
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return rows, peak


def test_memory_does_not_grow_with_the_result(scale):
    peak_while_exporting(scale, [Condition("number", "prefix", "2860000")])  # warm the caches first
    few, small = peak_while_exporting(scale, [Condition("number", "prefix", "286001")])
    many, large = peak_while_exporting(scale, [])
    assert few < 3_000 and many > 30_000
    assert large < 1.5 * small + 1_000_000, (small, large)  # ten times the rows, about the same memory
    assert large < 20_000_000


def test_csv_is_excel_ready(demo):
    with demo.write() as session:
        session.exec(select(Enterprise).where(Enterprise.customs_code == "4403910001")).one().name = \
            "=HYPERLINK(\"http://x\",\"点击\")"
    with demo.session() as session:
        stmt = queries.form_select(BUREAU, [Condition("issued_on", "prefix", "200701")], session=session)
        text = "".join(export.csv_lines("form", session, stmt))
    assert text.startswith("\ufeff核销单号,")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert len(rows) == 11 and all(len(row) == len(export.FORM_HEADER) for row in rows)
    first = dict(zip(rows[0], rows[1]))
    assert first["经营单位"] == "'=HYPERLINK(\"http://x\",\"点击\")"  # shown as text, never run
    assert re.fullmatch(r"\t53002007\d{10}", first["报关单号"])  # 18 digits stay digits in Excel
    assert first["使用口岸名称"] == "深圳海关" and first["核销状态"] == "已核销"
    demo.dispose()


@pytest.mark.parametrize("value, cell", [("=1+1", "'=1+1"), ("+86", "'+86"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
                                         ("\tx", "'\tx"), ("深圳", "深圳"), (None, ""), ("a=b", "a=b")])
def test_cells_that_a_spreadsheet_would_run_are_disarmed(value, cell):
    assert export.cell(value) == cell
