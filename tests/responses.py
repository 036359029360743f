"""Reading a response body whether it was streamed (the tier export) or not."""

from __future__ import annotations

from typing import Any


def body(response: Any) -> bytes:
    """The whole body: a StreamingHttpResponse's chunks joined (once: kept for later calls), or its content."""
    if getattr(response, "streaming", False):
        if not hasattr(response, "_streamed_body"):
            response._streamed_body = b"".join(response.streaming_content)
        return bytes(response._streamed_body)
    return bytes(response.content)


def csv_dicts(response: Any) -> list[dict[str, str]]:
    """A CSV download's rows by column name (the byte-order mark spreadsheets want dropped), streamed or not."""
    import csv
    import io

    return list(csv.DictReader(io.StringIO(body(response).decode("utf-8-sig"))))
