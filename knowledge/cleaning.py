"""Check a raw question and strip the Discord noise around it.

People write `<@123> yo bot, **which** union is the crabtree guy from?? 🤔 https://…`; only the
words matter for matching. Input that is not a question at all (empty, huge, binary) is
refused here with a message a person can act on.
"""

from __future__ import annotations

import re
import unicodedata

MAX_QUESTION_CHARS = 2000  # Discord's own message limit; longer input is not a chat question.

_DISCORD_TOKENS = re.compile(
    r"<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::[tTdDfFR])?|/[\w -]+:\d+|id:\w+)>"
    r"|@(?:everyone|here)\b"
    r"|https?://\S+|www\.\S+"
    r"|:[a-z0-9_+-]+:"  # emoji shortcodes such as :thinking:
)
# Struck-out text is what the writer took back: "~~netflix~~ disney: are they hiring too?"
_STRUCK_OUT = re.compile(r"~~.*?~~", re.DOTALL)
_WORD = re.compile(r"\w")
_MARKDOWN = re.compile(r"(\*\*|__|~~|\|\||[*_`>#])")
_SPACES = re.compile(r"\s+")
# The ASCII characters `_is_emoji_or_control` drops: controls other than tab and line breaks,
# and the two modifier symbols ^ and `.
_ASCII_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ASCII_DROPPED = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f^`]")


class QuestionRejected(ValueError):
    """The input cannot be treated as a question; the message says why, for the user."""


def clean_question(raw: str) -> str:
    """The question's words without Discord markup; raises QuestionRejected for non-questions."""
    if not raw or raw.isspace():
        raise QuestionRejected("The question is empty. Ask me something about the article.")
    if len(raw) > MAX_QUESTION_CHARS:
        raise QuestionRejected(
            f"The question is too long ({len(raw):,} characters). "
            f"Please keep it under {MAX_QUESTION_CHARS:,} characters."
        )
    if _looks_binary(raw):
        raise QuestionRejected("That doesn't look like text. Please ask your question in words.")
    text = _DISCORD_TOKENS.sub(" ", raw)
    kept = _STRUCK_OUT.sub(" ", text)
    text = _MARKDOWN.sub(" ", kept if _WORD.search(kept) else text)
    if text.isascii():  # most questions: one regex instead of a look-up per character
        text = _ASCII_DROPPED.sub("", text)
    else:
        text = "".join(ch for ch in text if not _is_emoji_or_control(ch))
    return _SPACES.sub(" ", text).strip()


def _looks_binary(text: str) -> bool:
    """Mostly control characters or undecodable bytes: someone piped a file, not a question."""
    if text.isascii():
        odd = len(_ASCII_CONTROL.findall(text))
    else:
        odd = sum(
            1
            for ch in text
            if ch == "\ufffd"
            or (unicodedata.category(ch) in ("Cc", "Cs", "Co") and ch not in "\t\n\r")
        )
    return odd > max(2, len(text) // 10)


def _is_emoji_or_control(ch: str) -> bool:
    category = unicodedata.category(ch)
    return category in ("So", "Sk", "Cc", "Cf", "Cs", "Co", "Mn") and ch not in "\t\n\r"
