"""Upload validation for evidence files: a screenshot or a PDF, checked by size, name and content.

The extension alone is not trusted: a renamed HTML or executable file would pass it, so the first
bytes must also match the format the name claims.
"""

from __future__ import annotations

from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files import File
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# 10 MB holds a full-page screenshot or a scanned article; larger files are usually videos or archives.
EVIDENCE_MAX_BYTES = 10 * 1024 * 1024

# Extension -> the magic numbers a real file of that type starts with.
EVIDENCE_SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".webp": (b"RIFF",),
    ".gif": (b"GIF87a", b"GIF89a"),
}


@deconstructible
class FileSizeValidator:
    """Reject files larger than `max_bytes` (and empty files, which are never evidence)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    def __call__(self, file: File) -> None:
        size = file.size or 0
        if size == 0:
            raise ValidationError(_("The file is empty."), code="empty_file")
        if size > self.max_bytes:
            raise ValidationError(
                _("The file is %(size)s; the limit is %(limit)s."),
                code="file_too_large",
                params={"size": filesizeformat(size), "limit": filesizeformat(self.max_bytes)},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileSizeValidator) and other.max_bytes == self.max_bytes

    def __hash__(self) -> int:
        return hash(self.max_bytes)


@deconstructible
class FileSignatureValidator:
    """Accept only the listed extensions, and only when the content starts as that type does."""

    def __init__(self, signatures: dict[str, tuple[bytes, ...]]) -> None:
        self.signatures = signatures

    def __call__(self, file: File) -> None:
        extension = PurePath(file.name or "").suffix.lower()
        allowed = ", ".join(sorted(self.signatures))
        if extension not in self.signatures:
            raise ValidationError(
                _("File type “%(extension)s” is not allowed; upload one of: %(allowed)s."),
                code="invalid_extension",
                params={"extension": extension or _("(none)"), "allowed": allowed},
            )
        head = _read_head(file, 16)
        if not any(head.startswith(magic) for magic in self.signatures[extension]):
            raise ValidationError(
                _("The file's content is not a real %(extension)s file."),
                code="invalid_content",
                params={"extension": extension},
            )
        if extension == ".webp" and head[8:12] != b"WEBP":
            raise ValidationError(
                _("The file's content is not a real %(extension)s file."),
                code="invalid_content",
                params={"extension": extension},
            )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, FileSignatureValidator) and other.signatures == self.signatures

    def __hash__(self) -> int:
        return hash(tuple(sorted(self.signatures)))


def _read_head(file: File, length: int) -> bytes:
    """The first bytes of an upload, leaving its position where it was for the storage to save."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        head = file.read(length)
    finally:
        file.seek(position)
    return head if isinstance(head, bytes) else head.encode()


validate_evidence_size = FileSizeValidator(EVIDENCE_MAX_BYTES)
validate_evidence_type = FileSignatureValidator(EVIDENCE_SIGNATURES)
