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


def template_dirs(config: Config) -> list[Path]:
    """Where templates are looked up, file by file, first found wins: the project's templates for this profile
    (templates/profiles/<name>/), the project's own templates/ (for the project's profile), then the packaged
    ones for the profile and the packaged defaults. A profile without templates of its own prints the default
    layout with its own labels."""
    own = config.root / config.templates_dir
    project_profile = config.project_values.get("profile", "shanghai")
    folders = [own / "profiles" / config.profile]
    if config.profile == project_profile:
        folders.append(own)
    folders += [PACKAGED_TEMPLATES / "profiles" / config.profile, PACKAGED_TEMPLATES]
    return [d for d in folders if d.is_dir()]


def template_path(config: Config, name: str) -> Path:
    """The first template of that name along template_dirs."""
    for folder in template_dirs(config):
        if (folder / name).is_file():
            return folder / name
    looked = "、".join(str(d) for d in template_dirs(config))
    raise PerfdocError(f"找不到模板 {name}（已查找 {looked}）")
