"""Asking: `/ask` with autocomplete, mentions, and the "did you mean" buttons on a decline.

The handlers only translate: they pass the user's text to the answer engine and send what
`bot.embeds` renders. Matching, cleaning and declining all happen in `knowledge`. The engine
answers in about a millisecond, so every interaction is answered directly, well inside
Discord's 3-second window, without a deferral.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Iterable
from typing import Self

import discord
from discord import app_commands
from discord.ext import commands

from bot import limits
from bot.client import CitedFactsBot, bot_of
from bot.embeds import answer_embed
from bot.errors import report_failure
from bot.gate import GatedCog, NotAllowedHere, cooldown_notice
from knowledge.models import Answer

log = logging.getLogger(__name__)

_ASK_PREFIX = "ask:"
# How long a cooldown notice in reply to a mention stays before it deletes itself; a mention
# cannot be answered ephemerally, and the notice should not linger in the channel.
_NOTICE_SECONDS = 10.0


class SuggestionButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=re.compile(re.escape(_ASK_PREFIX) + r"(?P<question>.+)", re.DOTALL),
):
    """A suggested question; pressing it asks that question.

    The question travels in the button's custom id, so the button keeps working after the
    bot restarts and the bot keeps no state per message.
    """

    def __init__(self, question: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=limits.truncate(question, limits.BUTTON_LABEL),
                custom_id=_ASK_PREFIX + question,
                style=discord.ButtonStyle.secondary,
            )
        )
        self.question = question

    @classmethod
    def fits(cls, question: str) -> bool:
        """Whether the question fits in a custom id (Discord allows 100 characters)."""
        return len(_ASK_PREFIX + question) <= limits.CUSTOM_ID

    @classmethod
    async def from_custom_id(
        cls,
        _interaction: discord.Interaction,
        _item: discord.ui.Item[discord.ui.View],
        match: re.Match[str],
        /,
    ) -> Self:
        """Rebuild the button from the custom id of a press."""
        return cls(match["question"])

    async def callback(self, interaction: discord.Interaction) -> None:
        """Ask the suggested question on behalf of whoever pressed the button."""
        try:
            bot = bot_of(interaction)
            bot.gate.admit(interaction.user.id, interaction.channel)
            await send_answer(interaction, bot.knowledge.engine.ask(self.question))
        except Exception as error:
            # A button is not a command, so the tree's error handler never sees this.
            await report_failure(interaction, error)


def suggestion_view(suggestions: Iterable[str]) -> discord.ui.View:
    """Buttons for the suggestions (one row); empty when there are none.

    The view has no timeout: its buttons are dynamic items that discord.py dispatches by
    custom id, so it is not kept in memory per message.
    """
    view = discord.ui.View(timeout=None)
    fitting = [s for s in suggestions if SuggestionButton.fits(s)]
    for question in fitting[: limits.BUTTONS_PER_ROW]:
        view.add_item(SuggestionButton(question))
    return view


async def send_answer(interaction: discord.Interaction, answer: Answer) -> None:
    """Answer an interaction publicly with the answer's embed and its suggestion buttons."""
    await interaction.response.send_message(
        embed=answer_embed(answer),
        view=suggestion_view(answer.suggestions),
        allowed_mentions=discord.AllowedMentions.none(),
    )


class AskCog(GatedCog):
    """`/ask` and mentions."""

    def __init__(self, bot: CitedFactsBot) -> None:
        super().__init__(bot.gate)
        self.bot = bot

    @app_commands.command(name="ask", description="Ask about the article; the answer quotes it")
    @app_commands.describe(question="What you want to know, e.g. what does the Netflix AI job pay?")
    async def ask(self, interaction: discord.Interaction, question: str) -> None:
        """Answer the question with a cited embed, or decline with suggestions."""
        await send_answer(interaction, self.bot.knowledge.engine.ask(question))

    @ask.autocomplete("question")
    async def suggest_questions(
        self, _interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        """Questions the bot can answer that best fit what the user has typed so far."""
        questions = self.bot.knowledge.engine.complete(current, limit=limits.CHOICES)
        return [
            app_commands.Choice(name=question, value=question)
            for question in questions
            if len(question) <= min(limits.CHOICE_NAME, limits.CHOICE_VALUE)
        ]

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        """Answer a message that mentions the bot; ignore bots, including this one."""
        if message.author.bot or not self._mentions_me(message):
            return
        try:
            self.gate.admit(message.author.id, message.channel)
        except NotAllowedHere:
            log.debug("Ignoring a mention in channel %s, not allowed", message.channel.id)
            return
        except app_commands.CommandOnCooldown as cooldown:
            notice = message.reply(
                cooldown_notice(cooldown.retry_after),
                delete_after=min(_NOTICE_SECONDS, cooldown.retry_after),
                mention_author=False,
                allowed_mentions=discord.AllowedMentions.none(),
            )
            await self._deliver(message, notice)
            return
        answer = self.bot.knowledge.engine.ask(message.content)
        reply = message.reply(
            embed=answer_embed(answer),
            view=suggestion_view(answer.suggestions),
            mention_author=False,
            allowed_mentions=discord.AllowedMentions.none(),
        )
        await self._deliver(message, reply)

    def _mentions_me(self, message: discord.Message) -> bool:
        """Mentioned in the text itself, as in `@Bot who is Bob Iger?`.

        A reply to one of the bot's answers also notifies the bot, but is not taken as a
        question, so people can talk about an answer without the bot joining in.
        """
        return self.bot.user is not None and self.bot.user.id in message.raw_mentions

    @staticmethod
    async def _deliver(message: discord.Message, reply: Awaitable[discord.Message]) -> None:
        """Send a reply to `message`; if Discord refuses (e.g. permissions), log where."""
        try:
            await reply
        except discord.HTTPException:
            log.exception(
                "Could not reply to message %s in channel %s", message.id, message.channel.id
            )


async def setup(bot: CitedFactsBot) -> None:
    """Extension entry point: the cog, and the suggestion buttons' dispatch by custom id."""
    bot.add_dynamic_items(SuggestionButton)
    await bot.add_cog(AskCog(bot))


async def teardown(bot: CitedFactsBot) -> None:
    """Stop dispatching suggestion buttons when the extension is unloaded."""
    bot.remove_dynamic_items(SuggestionButton)
