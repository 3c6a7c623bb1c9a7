"""PDF through LibreOffice headless, when it is installed."""

from __future__ import annotations

from pathlib import Path

from ..diagnostics import PerfdocError
from ..write import write_atomic
from .formats import OutputFormat

SOFFICE_NAMES = ("soffice", "libreoffice")
TIMEOUT_SECONDS = 600


class PdfUnavailable(PerfdocError):
    """LibreOffice is not installed or failed."""


def find_soffice() -> str | None:
    import shutil

    for name in SOFFICE_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def convert_to_pdf(docx_files: list[Path]) -> list[Path]:
    """Convert in one LibreOffice process with a private profile; each PDF lands beside its .docx atomically."""
    import os  # here, not at the top: the format registry imports this module on every build
    import shutil
    import subprocess
    import tempfile

    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailable(
            "未生成 PDF：没有找到 LibreOffice（soffice）。请安装后重试，例如 Debian/Ubuntu："
            "sudo apt-get install libreoffice-writer-nogui fonts-noto-cjk"
        )
    with tempfile.TemporaryDirectory(prefix="perfdoc-lo-") as tmp:
        profile = Path(tmp) / "profile"
        outdir = Path(tmp) / "out"
        outdir.mkdir()
        # Inputs are copied under unique names: two forms of different years may share a file name.
        inputs = []
        for i, src in enumerate(docx_files):
            dst = Path(tmp) / f"{i:05d}.docx"
            shutil.copyfile(src, dst)
            inputs.append(dst)
        cmd = [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, inputs),
        ]
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=TIMEOUT_SECONDS, env={**os.environ, "HOME": tmp}
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise PdfUnavailable(f"LibreOffice 转换 PDF 失败：{exc}") from None
        pdfs = []
        for src, tmp_in in zip(docx_files, inputs, strict=True):
            produced = outdir / (tmp_in.stem + ".pdf")
            if not produced.is_file():
                raise PdfUnavailable(
                    f"LibreOffice 未能把 {src} 转换为 PDF：{proc.stderr.strip() or proc.stdout.strip()}"
                )
            target = src.with_suffix(".pdf")
            write_atomic(target, produced.read_bytes())
            pdfs.append(target)
        return pdfs


FORMATS = [
    OutputFormat(
        "pdf",
        ".pdf",
        "PDF（由 Word 文件经 LibreOffice 转换）",
        order=30,
        convert=convert_to_pdf,
        needs=("docx",),
    )
]
