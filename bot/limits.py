"""Discord's size limits for what the bot sends, and the one way it shortens text to fit.

Discord refuses an oversized message outright (HTTP 400, code 50035), so a long answer would
reach the user as nothing at all. Every renderer cuts text to these numbers before sending.
Source: https://discord.com/developers/docs/resources/message#embed-object-embed-limits
"""

from __future__ import annotations

CONTENT = 2000
EMBED_TITLE = 256
EMBED_DESCRIPTION = 4096
EMBED_FIELDS = 25
EMBED_FIELD_NAME = 256
EMBED_FIELD_VALUE = 1024
EMBED_FOOTER = 2048
EMBED_AUTHOR = 256
EMBED_TOTAL = 6000
BUTTON_LABEL = 80
BUTTONS_PER_ROW = 5
CUSTOM_ID = 100
CHOICES = 25  # per option, whether fixed choices or autocomplete results
CHOICE_NAME = 100
CHOICE_VALUE = 100

ELLIPSIS = "…"


def truncate(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in an ellipsis when something was cut.

    Cuts at the last space in the final stretch when there is one, so a reader sees whole
    words; an ellipsis tells them the text goes on rather than silently dropping the end.
    """
    if len(text) <= limit:
        return text
    if limit <= len(ELLIPSIS):
        return text[:limit]
    cut = text[: limit - len(ELLIPSIS)]
    space = cut.rfind(" ", len(cut) - 40)
    if space > 0:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS
