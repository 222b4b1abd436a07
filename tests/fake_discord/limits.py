"""Discord's size limits on messages and autocomplete results, reported Discord's way.

discord.py sends most oversized payloads unchecked, so a bot that builds long answers
from an article only learns about these limits from a 400 in production. The fake
refuses the same payloads and describes them with the same nested ``errors`` shape
(code 50035 "Invalid Form Body"), which discord.py flattens into ``HTTPException.text``
as ``In embeds.0.title: Must be 256 or fewer in length.``.

Only classic action-row components are modelled, not the components-v2 layout.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

CONTENT_MAX = 2000
EMBEDS_MAX = 10
EMBED_TITLE_MAX = 256
EMBED_DESCRIPTION_MAX = 4096
EMBED_FIELDS_MAX = 25
EMBED_FIELD_NAME_MAX = 256
EMBED_FIELD_VALUE_MAX = 1024
EMBED_FOOTER_TEXT_MAX = 2048
EMBED_AUTHOR_NAME_MAX = 256
EMBED_TOTAL_MAX = 6000
ACTION_ROWS_MAX = 5
ROW_COMPONENTS_MAX = 5
BUTTON_LABEL_MAX = 80
CUSTOM_ID_MAX = 100
AUTOCOMPLETE_CHOICES_MAX = 25
CHOICE_NAME_MAX = 100
CHOICE_VALUE_MAX = 100

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class FieldError:
    """One rejected field: where it is in the body and Discord's code and wording for it."""

    path: Path
    code: str
    message: str


def _too_long(path: Path, limit: int) -> FieldError:
    return FieldError(path, "BASE_TYPE_MAX_LENGTH", f"Must be {limit} or fewer in length.")


def _bad_length(path: Path, limit: int) -> FieldError:
    return FieldError(path, "BASE_TYPE_BAD_LENGTH", f"Must be between 1 and {limit} in length.")


def _text(value: object, path: Path, limit: int, errors: list[FieldError]) -> int:
    """Check one text against its limit and return its length for the 6000-char embed total."""
    if not isinstance(value, str):
        return 0
    if len(value) > limit:
        errors.append(_too_long(path, limit))
    return len(value)


def _embed(embed: Mapping[str, Any], path: Path, errors: list[FieldError]) -> int:
    """Check one embed and return how many characters count towards the message total."""
    size = _text(embed.get("title"), (*path, "title"), EMBED_TITLE_MAX, errors)
    size += _text(embed.get("description"), (*path, "description"), EMBED_DESCRIPTION_MAX, errors)
    footer = embed.get("footer") or {}
    size += _text(footer.get("text"), (*path, "footer", "text"), EMBED_FOOTER_TEXT_MAX, errors)
    author = embed.get("author") or {}
    size += _text(author.get("name"), (*path, "author", "name"), EMBED_AUTHOR_NAME_MAX, errors)
    fields: Sequence[Mapping[str, Any]] = embed.get("fields") or []
    if len(fields) > EMBED_FIELDS_MAX:
        errors.append(_too_long((*path, "fields"), EMBED_FIELDS_MAX))
    for index, field in enumerate(fields):
        where = (*path, "fields", index)
        size += _text(field.get("name"), (*where, "name"), EMBED_FIELD_NAME_MAX, errors)
        size += _text(field.get("value"), (*where, "value"), EMBED_FIELD_VALUE_MAX, errors)
    return size


def _components(rows: Sequence[Mapping[str, Any]], errors: list[FieldError]) -> None:
    if len(rows) > ACTION_ROWS_MAX:
        errors.append(_bad_length(("components",), ACTION_ROWS_MAX))
    for row_index, row in enumerate(rows):
        children: Sequence[Mapping[str, Any]] = row.get("components") or []
        row_path: Path = ("components", row_index, "components")
        if len(children) > ROW_COMPONENTS_MAX:
            errors.append(_bad_length(row_path, ROW_COMPONENTS_MAX))
        for index, child in enumerate(children):
            _text(child.get("label"), (*row_path, index, "label"), BUTTON_LABEL_MAX, errors)
            _text(child.get("custom_id"), (*row_path, index, "custom_id"), CUSTOM_ID_MAX, errors)


def message_errors(message: Mapping[str, Any]) -> list[FieldError]:
    """Every limit ``message`` (a create/edit body) breaks; empty when Discord would accept it."""
    errors: list[FieldError] = []
    _text(message.get("content"), ("content",), CONTENT_MAX, errors)
    embeds: Sequence[Mapping[str, Any]] = message.get("embeds") or []
    if len(embeds) > EMBEDS_MAX:
        errors.append(_too_long(("embeds",), EMBEDS_MAX))
    total = sum(_embed(embed, ("embeds", index), errors) for index, embed in enumerate(embeds))
    if total > EMBED_TOTAL_MAX:
        errors.append(
            FieldError(
                ("embeds",),
                "MAX_EMBED_SIZE_EXCEEDED",
                f"Embed size exceeds maximum size of {EMBED_TOTAL_MAX}",
            )
        )
    _components(message.get("components") or [], errors)
    return errors


def is_empty_message(message: Mapping[str, Any]) -> bool:
    """Whether Discord would refuse to create ``message`` with 50006 (empty message)."""
    keys = ("content", "embeds", "components", "attachments", "sticker_ids", "poll")
    return not any(message.get(key) for key in keys)


def autocomplete_errors(data: Mapping[str, Any]) -> list[FieldError]:
    """Every limit an autocomplete result breaks: at most 25 choices of at most 100 chars."""
    errors: list[FieldError] = []
    choices: Sequence[Mapping[str, Any]] = data.get("choices") or []
    if len(choices) > AUTOCOMPLETE_CHOICES_MAX:
        errors.append(_too_long(("choices",), AUTOCOMPLETE_CHOICES_MAX))
    for index, choice in enumerate(choices):
        _text(choice.get("name"), ("choices", index, "name"), CHOICE_NAME_MAX, errors)
        _text(choice.get("value"), ("choices", index, "value"), CHOICE_VALUE_MAX, errors)
    return errors


def nested_errors(errors: Sequence[FieldError], prefix: Path = ()) -> dict[str, Any]:
    """Shape ``errors`` like Discord's ``errors`` object: nested by path, leaves under ``_errors``.

    ``prefix`` places the message inside a larger body, e.g. ``("data",)`` for an
    interaction callback whose message sits under ``data``.
    """
    root: dict[str, Any] = {}
    for error in errors:
        node = root
        for key in (*prefix, *error.path):
            node = node.setdefault(str(key), {})
        node.setdefault("_errors", []).append({"code": error.code, "message": error.message})
    return root
