"""Where templates are found: the project's own templates/ first, file by file, then the packaged ones.

Templates are data a user edits (``perfdoc init --templates`` copies them into the project).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..diagnostics import PerfdocError

if TYPE_CHECKING:  # the configuration is only read here
    from ..config import Config

# In a wheel the templates ship inside the package; in a checkout (and an editable install) they are the
# top-level templates/ folder beside perfdoc/.
PACKAGE = Path(__file__).resolve().parent.parent  # perfdoc/
PACKAGED_TEMPLATES = next(
    (p for p in (PACKAGE / "templates", PACKAGE.parent / "templates") if p.is_dir()), PACKAGE / "templates"
)


def template_path(config: Config, name: str) -> Path:
    """The project's own template when it has one (templates/ beside the config), else the packaged one."""
    own = config.root / config.templates_dir / name
    if own.is_file():
        return own
    packaged = PACKAGED_TEMPLATES / name
    if packaged.is_file():
        return packaged
    raise PerfdocError(f"找不到模板 {name}（已查找 {own} 与 {packaged}）")


def template_dirs(config: Config) -> list[Path]:
    """Where HTML templates are looked up: the project's own folder first, file by file."""
    own = config.root / config.templates_dir
    return [d for d in (own, PACKAGED_TEMPLATES) if d.is_dir()]
