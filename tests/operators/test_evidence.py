"""Evidence on sources: an uploaded screenshot or PDF (tier reviews: tests/plans/test_reviews.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from core.services import audited_save
from operators.validators import EVIDENCE_MAX_BYTES
from tests.factories import AnalystFactory, SourceFactory, ViewerFactory

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF\n"


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _upload(name: str, content: bytes, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [("screenshot.png", PNG), ("article.PDF", PDF)])
def test_it_stores_a_screenshot_or_pdf_as_evidence(name, content, media_root):
    source = SourceFactory()
    source.evidence = _upload(name, content)

    audited_save(instance=source, actor=None)

    source.refresh_from_db()
    assert source.evidence.name.startswith("evidence/")
    assert source.evidence.read() == content
    assert (media_root / source.evidence.name).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "File type “.html” is not allowed"),
        ("tool.exe", b"MZ\x90\x00", "File type “.exe” is not allowed"),
        ("noextension", PDF, "File type “(none)” is not allowed"),
        ("fake.png", b"<script>alert(1)</script>", "The file's content is not a real .png file."),
        ("fake.pdf", PNG, "The file's content is not a real .pdf file."),
        ("empty.pdf", b"", "The file is empty."),
    ],
)
def test_it_rejects_evidence_of_the_wrong_type(name, content, message):
    source = SourceFactory()
    source.evidence = _upload(name, content)

    with pytest.raises(ValidationError) as error:
        audited_save(instance=source, actor=None)

    assert any(message in text for text in error.value.message_dict["evidence"])
    source.refresh_from_db()
    assert not source.evidence


@pytest.mark.django_db
def test_it_rejects_evidence_over_the_size_limit():
    source = SourceFactory()
    source.evidence = _upload("huge.pdf", PDF + b"0" * EVIDENCE_MAX_BYTES)

    with pytest.raises(ValidationError) as error:
        audited_save(instance=source, actor=None)

    messages = [text.replace("\xa0", " ") for text in error.value.message_dict["evidence"]]
    assert messages == ["The file is 10.0 MB; the limit is 10.0 MB."]


@pytest.mark.django_db
def test_it_rejects_oversized_evidence_in_the_admin_form(client, media_root):
    admin = AnalystFactory(username="root", is_superuser=True)
    client.force_login(admin)
    source = SourceFactory()
    upload = _upload("big.png", PNG + b"0" * EVIDENCE_MAX_BYTES, "image/png")

    response = client.post(
        f"/admin/operators/source/{source.pk}/change/",
        {"publication": source.publication, "title": source.title, "issue": source.issue, "evidence": upload},
    )

    assert response.status_code == 200
    assert "the limit is 10.0\xa0MB" in response.content.decode()
    source.refresh_from_db()
    assert not source.evidence
    assert not list(media_root.rglob("*.png"))


@pytest.mark.django_db
def test_staff_open_the_evidence_through_a_guarded_url(client):
    source = SourceFactory()
    source.evidence = _upload("page.pdf", PDF)
    audited_save(instance=source, actor=None)
    client.force_login(ViewerFactory())

    response = client.get(f"/admin/evidence/{source.pk}/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"].startswith("sandbox")
    assert b"".join(response.streaming_content) == PDF


@pytest.mark.django_db
def test_evidence_is_not_public(client):
    source = SourceFactory()
    source.evidence = _upload("page.pdf", PDF)
    audited_save(instance=source, actor=None)

    response = client.get(f"/admin/evidence/{source.pk}/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_a_source_without_evidence_is_not_found(client):
    client.force_login(ViewerFactory())

    assert client.get(f"/admin/evidence/{SourceFactory().pk}/").status_code == 404
