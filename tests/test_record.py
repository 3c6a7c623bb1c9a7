"""perfdoc.record: data classes written as dataclasses are, that behave as they do where perfdoc relies on it
(constructor, defaults, factories, equality, repr, slots, pickling, replace) and that mypy checks as dataclasses."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from perfdoc.record import field, record, record_fields, replace

from .conftest import ROOT


@record
class Place:
    raw_path: tuple[str, ...] = ()
    keys: dict[str, str] = field(default_factory=dict)


@record
class Row(Place):
    name: str = ""
    amounts: list[int] = field(default_factory=list)


@record(slots=True)
class Finding:
    code: str
    message: str
    line: int = 1


def test_fields_in_the_order_written_base_class_first():
    assert record_fields(Place) == ("raw_path", "keys")
    assert record_fields(Row) == ("raw_path", "keys", "name", "amounts")
    assert record_fields(Finding) == ("code", "message", "line")


def test_constructor_takes_positions_and_keywords_and_fills_defaults():
    row = Row(("funds",), name="total")
    assert (row.raw_path, row.keys, row.name, row.amounts) == (("funds",), {}, "total", [])
    assert Finding("PD301", "合计不符").line == 1
    assert Finding(code="PD301", message="m", line=7).line == 7
    with pytest.raises(TypeError):
        Finding("PD301")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Row(nmae="typo")  # type: ignore[call-arg]


def test_a_factory_makes_a_new_value_for_every_object():
    a, b = Row(), Row()
    a.amounts.append(1)
    a.keys["x"] = "y"
    assert b.amounts == [] and b.keys == {}
    given: list[int] = [5]
    assert Row(amounts=given).amounts is given


def test_equality_and_repr_by_fields_and_no_hash():
    assert Row(name="a") == Row(name="a")
    assert Row(name="a") != Row(name="b")
    assert Row(name="a") != Place()  # another class, even with equal common fields
    assert repr(Finding("PD1", "m")) == "Finding(code='PD1', message='m', line=1)"
    with pytest.raises(TypeError):
        hash(Row())


def test_slots_leave_no_dict_and_still_pickle_and_replace():
    f = Finding("PD301", "合计不符", 3)
    assert not hasattr(f, "__dict__")
    with pytest.raises(AttributeError):
        f.other = 1  # type: ignore[attr-defined]
    assert pickle.loads(pickle.dumps(f)) == f
    g = replace(f, line=9)
    assert (g.code, g.line, f.line) == ("PD301", 9, 3) and g is not f
    assert replace(Row(name="a")) == Row(name="a")


def test_a_shared_mutable_default_and_a_misplaced_required_field_are_refused():
    with pytest.raises(ValueError, match="default_factory"):

        @record
        class Shared:
            items: list[int] = []  # noqa: RUF012

    with pytest.raises(TypeError, match="without a default"):

        @record
        class Misplaced:
            first: int = 0
            second: str


def test_mypy_reads_a_record_as_a_dataclass(tmp_path: Path):
    """PEP 681: a wrong type or an unknown field in a constructor is a type error, as with @dataclass."""
    from mypy import api

    snippet = tmp_path / "snippet.py"
    snippet.write_text(
        "from perfdoc.record import field, record\n\n"
        "@record\nclass Row:\n    name: str\n    amounts: list[int] = field(default_factory=list)\n\n"
        "Row('total', [1])\nRow(name=3)\nRow('x', nmae=1)\n",
        encoding="utf-8",
    )
    out, _err, status = api.run([str(snippet), "--cache-dir", str(tmp_path / "cache"), "--no-incremental"])
    assert status == 1
    errors = [line for line in out.splitlines() if ": error:" in line]
    assert [line.split(":")[1] for line in errors] == ["9", "10"], out


def test_check_imports_neither_dataclasses_nor_click_nor_a_renderer():
    """What `perfdoc check` must not load at start-up (import time is most of its run, issue 16)."""
    code = (
        "import sys\nfrom perfdoc.cli import main\n"
        "try:\n    main(['check', 'content/2020/incubator.md'])\nexcept SystemExit:\n    pass\n"
        "heavy = {'dataclasses', 'inspect', 'click', 'jinja2', 'markdown_it', 'docx', 'docxtpl', 'openpyxl'}\n"
        "print(sorted(heavy & set(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr
