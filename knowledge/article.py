"""Split the shipped article into addressable passages.

Citations must point at a stable place in the source ("paragraph 8, sentence 2") and carry
character offsets, so the article is parsed once into passages instead of being searched as one
blob. The file layout is: headline, blank line, dateline, blank line, body paragraphs separated
by blank lines.
"""

from __future__ import annotations

import re
from datetime import datetime

from knowledge.models import Article, Passage

# A sentence ends at . ! or ? (optionally followed by a closing quote) when the next sentence
# starts with a capital letter or an opening quote. "“unrealistic.” hinted at" stays one
# sentence because "hinted" is lower case, which is what the article means.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][”\"’]))\s+(?=[A-Z“\"‘])")
_BLOCK = re.compile(r"\S(?:.*?\S)?(?=\n\s*\n|\s*\Z)", re.DOTALL)


class ArticleFormatError(ValueError):
    """The article file does not have the headline / dateline / body layout."""


def parse_article(text: str) -> Article:
    """Parse the article text into headline, dateline and numbered body passages."""
    blocks = [(m.start(), m.group()) for m in _BLOCK.finditer(text)]
    if len(blocks) < 3:
        raise ArticleFormatError(
            "expected a headline, a dateline and at least one body paragraph, "
            f"separated by blank lines; found {len(blocks)} block(s)"
        )
    (headline_at, headline), (dateline_at, dateline), *body = blocks
    try:
        published = datetime.strptime(dateline.strip(), "%B %d, %Y").date()
    except ValueError as error:
        raise ArticleFormatError(
            f"the second block must be a date like 'July 31, 2023', not {dateline!r}"
        ) from error

    passages = [
        Passage(ref="headline", paragraph=None, sentence=None, start=headline_at, text=headline),
        Passage(ref="dateline", paragraph=None, sentence=None, start=dateline_at, text=dateline),
    ]
    for number, (start, paragraph) in enumerate(body, start=1):
        passages.append(
            Passage(ref=f"¶{number}", paragraph=number, sentence=None, start=start, text=paragraph)
        )
        passages.extend(_sentences(number, start, paragraph))
    return Article(
        text=text,
        headline=headline,
        published=published,
        paragraph_count=len(body),
        passages=tuple(passages),
    )


def _sentences(paragraph: int, start: int, text: str) -> list[Passage]:
    sentences: list[Passage] = []
    cursor = 0
    for number, piece in enumerate(_SENTENCE_END.split(text), start=1):
        offset = text.index(piece, cursor)
        cursor = offset + len(piece)
        sentences.append(
            Passage(
                ref=f"¶{paragraph}.{number}",
                paragraph=paragraph,
                sentence=number,
                start=start + offset,
                text=piece,
            )
        )
    return sentences
