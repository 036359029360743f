"""Reference data: who (operators, branches), where (provinces) and where facts come from (sources)."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from operators.validators import validate_evidence_size, validate_evidence_type


class Operator(models.Model):
    """An operator group such as 中国移动 (cmcc)."""

    class Kind(models.TextChoices):
        MNO = "mno", _("Mobile network operator (MNO)")
        MVNO = "mvno", _("Virtual network operator (MVNO)")

    code = models.SlugField(
        _("code"), max_length=16, unique=True, help_text=_("Stable short code: cmcc, cucc, ctcc, cbn.")
    )
    name_zh = models.CharField(_("name (zh)"), max_length=64, unique=True)
    name_en = models.CharField(_("name (en)"), max_length=64)
    short_name_zh = models.CharField(
        _("short name (zh)"), max_length=16, blank=True, help_text=_("As branches are named: 移动, 联通, 电信, 广电.")
    )
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices, default=Kind.MNO)
    website = models.URLField(_("website"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("operator")
        verbose_name_plural = _("operators")

    def __str__(self) -> str:
        return f"{self.name_zh} {self.name_en}"


class Province(models.Model):
    """A mainland province-level division, keyed by its GB/T 2260 two-digit code."""

    class Region(models.TextChoices):
        EAST = "east", _("东部 East")
        CENTRAL = "central", _("中部 Central")
        WEST = "west", _("西部 West")
        NORTHEAST = "northeast", _("东北 Northeast")

    code = models.CharField(
        _("GB/T 2260 code"),
        max_length=2,
        unique=True,
        help_text=_("Two digits, e.g. 11 for Beijing."),
        # The check constraint enforces the same rule, but its error names no field; a validator
        # also tells the API schema (as a pattern) what a code may be.
        validators=[
            RegexValidator(r"\A[1-9][0-9]\Z", message=_("Use the two-digit GB/T 2260 code, e.g. 11 for Beijing."))
        ],
    )
    name_zh = models.CharField(_("name (zh)"), max_length=32, unique=True)
    name_en = models.CharField(_("name (en)"), max_length=64)
    region = models.CharField(_("region"), max_length=16, choices=Region.choices)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("province")
        verbose_name_plural = _("provinces")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[1-9][0-9]$"), name="province_code_two_digits"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} {self.name_en}"


class Source(models.Model):
    """Where a fact comes from: an article in a publication, a web page, an operator's post."""

    publication = models.CharField(
        _("publication"), max_length=200, help_text=_("e.g. 通信竞争 Communications Competition")
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    issue = models.CharField(_("issue"), max_length=100, blank=True, help_text=_("e.g. May 2025, VOL. 71"))
    title = models.CharField(_("article title"), max_length=300)
    author = models.CharField(_("author"), max_length=200, blank=True)
    locator = models.CharField(
        _("page / table"), max_length=200, blank=True, help_text=_("Page, table or figure inside the article.")
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    url = models.URLField(_("URL"), max_length=500, blank=True)
    captured_on = models.DateField(_("captured on"), null=True, blank=True, help_text=_("When we read or saved it."))
    evidence = models.FileField(
        _("evidence file"),
        upload_to="evidence/%Y/%m/",
        max_length=255,
        blank=True,
        validators=[validate_evidence_size, validate_evidence_type],
        help_text=_("A screenshot (PNG, JPEG, WebP, GIF) or PDF of the source as captured, at most 10 MB."),
    )
    notes = models.TextField(_("notes"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["publication", "issue", "title"], name="source_unique_article"),
        ]

    def __str__(self) -> str:
        issue = f" ({self.issue})" if self.issue else ""
        return f"{self.publication}{issue}: {self.title}"

    @property
    def citation(self) -> str:
        """A one-line citation as analysts write it in reports."""
        return source_citation(
            author=self.author, title=self.title, publication=self.publication, issue=self.issue, locator=self.locator
        )


# The columns a citation is made of, for readers of `.values()` rows (core.api.rows).
CITATION_FIELDS = ("author", "title", "publication", "issue", "locator")


def source_citation(*, author: str, title: str, publication: str, issue: str, locator: str) -> str:
    """A source's one-line citation as analysts write it in reports: author, «title», publication, issue, locator."""
    parts = [author, f"«{title}»", publication, issue, locator]
    return ", ".join(part for part in parts if part)


class Branch(models.Model):
    """An operator's provincial or city company: 北京移动 = cmcc + 11; 深圳联通 = cucc + 44 + 深圳."""

    operator = models.ForeignKey(
        Operator, on_delete=models.PROTECT, related_name="branches", verbose_name=_("operator")
    )
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, related_name="branches", verbose_name=_("province")
    )
    city_zh = models.CharField(
        _("city (zh)"), max_length=32, blank=True, help_text=_("Empty for a provincial company.")
    )
    city_en = models.CharField(_("city (en)"), max_length=64, blank=True)
    name_zh = models.CharField(_("name (zh)"), max_length=64, unique=True, help_text=_("e.g. 北京移动"))
    name_en = models.CharField(_("name (en)"), max_length=128, help_text=_("e.g. China Mobile Beijing"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["province__code", "operator__code", "city_zh"]
        verbose_name = _("branch")
        verbose_name_plural = _("branches")
        constraints = [
            models.UniqueConstraint(fields=["operator", "province", "city_zh"], name="branch_unique_operator_place"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} {self.name_en}"
