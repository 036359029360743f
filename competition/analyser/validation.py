"""THE validator of analyser input: draft tiers, the province and the as-of date.

The analyser page, `POST /api/v1/analyser/`, the saved draft sets (model clean, API, page) all
call `analyser_input_validate` / `drafts_validate`, so a bad draft gets the same words through
every door. Fields are parsed by a Django form (numbers, decimals, dates, in the messages Django
users know), then checked by the Tier model's own rules (`Tier.clean`), so a draft can never be
something a real tier could not be.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail

from competition.benchmarks.as_of import AsOfOutOfRange, as_of_parse
from operators.models import Operator, Province
from plans.models import Tier

MAX_DRAFTS = 6
DRAFT_FIELDS = (
    "label",
    "validity_days",
    "price_cny",
    "data_gb",
    "data_unlimited",
    "domestic_voice_min",
    "intl_voice_min",
    "province",
    "operator",
)


def too_many_drafts_message() -> str:
    return _("Enter at most %(max)d drafts.") % {"max": MAX_DRAFTS}


@dataclass(frozen=True)
class Draft:
    """One validated draft tier (never a Tier row)."""

    validity_days: int
    price_cny: Decimal
    data_gb: Decimal | None = None
    data_unlimited: bool = False
    domestic_voice_min: int | None = None
    intl_voice_min: int | None = None
    province: str = ""
    operator: str = ""
    label: str = ""

    def as_json(self) -> dict[str, Any]:
        """The draft as stored in a draft set and echoed by the API (money and data as strings)."""
        return {
            "label": self.label,
            "validity_days": self.validity_days,
            "price_cny": str(self.price_cny),
            "data_gb": None if self.data_gb is None else str(self.data_gb),
            "data_unlimited": self.data_unlimited,
            "domestic_voice_min": self.domestic_voice_min,
            "intl_voice_min": self.intl_voice_min,
            "province": self.province,
            "operator": self.operator,
        }


@dataclass(frozen=True)
class AnalyserInput:
    drafts: list[Draft]
    province: str
    as_of: datetime.date | None


class InvalidInput(Exception):
    """Analyser input refused: `errors` maps a dotted field (`drafts`, `drafts.0.price_cny`, `as_of`) to messages.

    `missing` names the fields whose value is well formed but names nothing the data holds (an
    unknown province or operator code, a day with no market): the API answers those alone with
    a 404, as it does for any well-formed code of no row (core.api.errors).
    """

    def __init__(self, errors: dict[str, list[str]], *, missing: Iterable[str] = ()) -> None:
        self.errors = errors
        self.missing = frozenset(missing) & set(errors)
        super().__init__("; ".join(f"{field}: {' '.join(messages)}" for field, messages in errors.items()))

    def nested(self) -> dict[str, Any]:
        """The errors as DRF nests them ({"drafts": {"0": {"price_cny": [...]}}}), for the API's error body."""
        out: dict[str, Any] = {}
        for field, messages in self.errors.items():
            node = out
            parts = field.split(".")
            for part in parts[:-1]:
                node = node.setdefault(part, {})
            code = "does_not_exist" if field in self.missing else "invalid"
            node[parts[-1]] = [ErrorDetail(message, code=code) for message in messages]
        return out


class DraftForm(forms.Form):
    """The fields of one draft: the page's row and each item of the API's `drafts`."""

    label = forms.CharField(label=gettext_lazy("Label"), max_length=60, required=False)
    validity_days = forms.IntegerField(label=gettext_lazy("Validity (days)"))
    price_cny = forms.DecimalField(label=gettext_lazy("Price (CNY)"), max_digits=10, decimal_places=2)
    data_gb = forms.DecimalField(label=gettext_lazy("Data (GB)"), max_digits=10, decimal_places=3, required=False)
    data_unlimited = forms.BooleanField(label=gettext_lazy("Unlimited data"), required=False)
    domestic_voice_min = forms.IntegerField(label=gettext_lazy("Domestic minutes"), required=False)
    intl_voice_min = forms.IntegerField(label=gettext_lazy("International minutes"), required=False)
    province = forms.CharField(label=gettext_lazy("Province"), max_length=6, required=False)
    operator = forms.CharField(label=gettext_lazy("Operator"), max_length=16, required=False)


class AnalyserForm(forms.Form):
    province = forms.CharField(label=gettext_lazy("Province"), max_length=6, required=False)


def _form_errors(form: forms.Form, prefix: str) -> dict[str, list[str]]:
    return {f"{prefix}{name}": [str(message) for message in messages] for name, messages in form.errors.items()}


def _unknown_code(name: str, code: str) -> str:
    # The benchmark endpoints' words for an unknown operator or province code.
    return _("No %(name)s with code %(code)r.") % {"name": name, "code": code[:40]}


def drafts_validate(raw: Any, *, field: str = "drafts") -> list[Draft]:
    """Validated drafts from a list of field mappings; InvalidInput naming each bad field otherwise."""
    if not isinstance(raw, list | tuple):
        raise InvalidInput({field: [_("Give the drafts as a list of objects.")]})
    if not raw:
        raise InvalidInput({field: [_("Enter at least one draft.")]})
    if len(raw) > MAX_DRAFTS:
        raise InvalidInput({field: [too_many_drafts_message()]})
    errors: dict[str, list[str]] = {}
    missing: set[str] = set()
    drafts: list[Draft] = []
    provinces = {code for item in raw if isinstance(item, Mapping) and (code := str(item.get("province") or ""))}
    operators = {code for item in raw if isinstance(item, Mapping) and (code := str(item.get("operator") or ""))}
    known_provinces = (
        set(Province.objects.filter(code__in=provinces).values_list("code", flat=True)) if provinces else set()
    )
    known_operators = (
        set(Operator.objects.filter(code__in=operators).values_list("code", flat=True)) if operators else set()
    )
    for index, item in enumerate(raw):
        prefix = f"{field}.{index}."
        if not isinstance(item, Mapping):
            errors[f"{field}.{index}"] = [_("Each draft is an object of its fields.")]
            continue
        unknown = sorted(set(item) - set(DRAFT_FIELDS))
        if unknown:
            errors[f"{prefix}{unknown[0]}"] = [
                _("Unknown field; a draft has: %(fields)s.") % {"fields": ", ".join(DRAFT_FIELDS)}
            ]
            continue
        type_errors = _type_errors(item)
        if type_errors:
            errors.update({f"{prefix}{name}": messages for name, messages in type_errors.items()})
            continue
        form = DraftForm(data={name: value for name, value in item.items() if value is not None})
        if not form.is_valid():
            errors.update(_form_errors(form, prefix))
            continue
        data = form.cleaned_data
        draft = Draft(
            label=data["label"],
            validity_days=data["validity_days"],
            price_cny=data["price_cny"],
            data_gb=data["data_gb"],
            data_unlimited=bool(data["data_unlimited"]),
            domestic_voice_min=data["domestic_voice_min"],
            intl_voice_min=data["intl_voice_min"],
            province=data["province"],
            operator=data["operator"],
        )
        row_errors = _tier_rule_errors(draft)
        if draft.province and draft.province not in known_provinces:
            row_errors["province"] = [_unknown_code("province", draft.province)]
            missing.add(f"{prefix}province")
        if draft.operator and draft.operator not in known_operators:
            row_errors["operator"] = [_unknown_code("operator", draft.operator)]
            missing.add(f"{prefix}operator")
        if row_errors:
            errors.update({f"{prefix}{name}": messages for name, messages in row_errors.items()})
            continue
        drafts.append(draft)
    if errors:
        raise InvalidInput(errors, missing=missing)
    return drafts


_TEXT_FIELDS = ("label", "province", "operator")
INTEGER_FIELDS = ("validity_days", "domestic_voice_min", "intl_voice_min")
_DECIMAL_FIELDS = ("price_cny", "data_gb")


def decimal_string_message() -> str:
    return _('Give the amount as a decimal string, e.g. "60.00".')


def _type_errors(item: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each value in its JSON type: whole numbers as numbers, money and GB as decimal strings (never a
    float), text as text, the flag as true/false. The page hands its rows over in these types too."""
    errors: dict[str, list[str]] = {}
    fields = DraftForm.base_fields
    for name, value in item.items():
        if value is None:
            continue
        if name in _TEXT_FIELDS and not isinstance(value, str):
            errors[name] = [_("Enter text.")]
        elif name == "data_unlimited" and not isinstance(value, bool):
            errors[name] = [_("Enter true or false.")]
        elif name in INTEGER_FIELDS and (isinstance(value, bool) or not isinstance(value, int)):
            errors[name] = [str(fields[name].error_messages["invalid"])]
        elif name in _DECIMAL_FIELDS and not isinstance(value, str):
            errors[name] = [decimal_string_message()]
    return errors


def _tier_rule_errors(draft: Draft) -> dict[str, list[str]]:
    """What Tier.clean says of a tier with the draft's figures (the one statement of those rules)."""
    tier = Tier(
        validity_days=draft.validity_days,
        price_cny=draft.price_cny,
        data_gb=draft.data_gb,
        data_unlimited=draft.data_unlimited,
        domestic_voice_min=draft.domestic_voice_min,
        intl_voice_min=draft.intl_voice_min,
    )
    try:
        tier.clean()
    except ValidationError as error:
        return {name: [str(message) for message in messages] for name, messages in error.message_dict.items()}
    return {}


def analyser_input_validate(data: Any) -> AnalyserInput:
    """`{"drafts": [...], "province": "31", "as_of": "2025-06-01"}` (province and as_of optional), validated.

    `as_of` is read by `as_of_parse`, the parser of every page and endpoint, so a malformed or
    out-of-range day gets the same words here as anywhere.
    """
    if not isinstance(data, Mapping):
        raise InvalidInput({"drafts": [_("Give the drafts as a list of objects.")]})
    errors: dict[str, list[str]] = {}
    missing: set[str] = set()
    raw_province = data.get("province")
    if raw_province is not None and not isinstance(raw_province, str):
        errors["province"] = [_("Enter text.")]
    form = AnalyserForm(data={"province": raw_province} if isinstance(raw_province, str) else {})
    if not form.is_valid():
        errors.update(_form_errors(form, ""))
    province = "" if errors.get("province") else str(form.cleaned_data.get("province") or "")
    if province and not Province.objects.filter(code=province).exists():
        errors["province"] = [_unknown_code("province", province)]
        missing.add("province")
    as_of = None
    raw_as_of = data.get("as_of")
    if raw_as_of is not None:
        try:
            # A number or a list is no date either: the same words as a malformed one.
            as_of = as_of_parse(raw_as_of if isinstance(raw_as_of, str) else "?") if raw_as_of != "" else None
        except AsOfOutOfRange as error:
            errors["as_of"] = [str(error)]
            missing.add("as_of")
        except ValueError as error:
            errors["as_of"] = [str(error)]
    try:
        drafts = drafts_validate(data.get("drafts"))
    except InvalidInput as invalid:
        errors.update(invalid.errors)
        missing |= invalid.missing
        drafts = []
    if errors:
        raise InvalidInput(errors, missing=missing)
    return AnalyserInput(drafts=drafts, province=province, as_of=as_of)
