"""Writing sources: front matter data and the two texts back into the Markdown format authors edit.

Used where perfdoc creates content on an explicit command (`import`, `rollover`): the only places it writes
into content/.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any


def source_text(data: dict[str, Any], goal: str, outcome: str, comment: str = "", goal_label: str = "预算目标") -> str:
    """A complete source file: YAML front matter (block style, keys as the form's labels), then the texts."""
    import yaml

    class Dumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True  # a figure shared by two fields is written twice: sources have no anchors (PD109)

    Dumper.add_representer(Decimal, lambda d, v: d.represent_scalar("tag:yaml.org,2002:str", format(v, "f")))
    body = yaml.dump(
        data, Dumper=Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1_000_000, indent=2
    )
    body = re.sub(r"'(-?\d+(?:\.\d+)?)'", r"\1", body)  # perfdoc reads every scalar as text: no quotes needed
    head = "".join(f"# {line}\n" for line in comment.split("\n")) if comment else ""
    text = f"---\n{head}{body}---\n\n## {goal_label}\n\n{goal}\n\n## 实际完成情况\n\n{outcome}\n"
    return re.sub(r"\n{3,}", "\n\n", text)
