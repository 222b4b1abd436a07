"""The bot's settings, read from the environment and `.env` when the bot starts.

Only the token is required; everything else has a default that works for a bot in a few
servers. `.env.example` documents every setting, and the tests build `Settings` from it so the
two cannot drift apart. The token is a `SecretStr`, is unwrapped only where discord.py needs
it, and is kept out of error messages (`hide_input_in_errors`).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal, Self

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

LogLevel = Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"]
# NoDecode: pydantic-settings would otherwise parse list values as JSON before validation.
IdList = Annotated[tuple[int, ...], NoDecode]
OptionalIdList = Annotated[tuple[int, ...] | None, NoDecode]
PositiveId = Annotated[int, Field(gt=0)]

# Values people leave in a copied .env; compared with case and punctuation ignored.
PLACEHOLDER_TOKENS = frozenset(
    {
        "changethis",
        "changeme",
        "yourtokenhere",
        "yourtoken",
        "yourbottoken",
        "yourdiscordtoken",
        "yourdiscordbottoken",
        "discordtoken",
        "bottoken",
        "token",
        "placeholder",
        "replaceme",
        "secret",
        "todo",
        "xxx",
        "none",
        "null",
    }
)


class Settings(BaseSettings):
    """Everything the bot can be configured with; see `.env.example` for the meaning of each."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        env_ignore_empty=True,
        extra="ignore",
        frozen=True,
        hide_input_in_errors=True,
    )

    discord_token: SecretStr
    discord_guild_id: PositiveId | None = None
    allowed_channel_ids: IdList = ()
    cooldown_rate: int = Field(default=3, ge=1)
    cooldown_seconds: float = Field(default=30.0, ge=0)
    log_level: LogLevel = "INFO"
    shard_count: int | None = Field(default=None, ge=1)
    shard_ids: OptionalIdList = None
    discord_api_base: str | None = None
    discord_gateway_url: str | None = None
    message_content_intent: bool = False
    knowledge_dir: Path | None = None

    @field_validator("discord_token")
    @classmethod
    def _real_token(cls, token: SecretStr) -> SecretStr:
        value = token.get_secret_value().strip()
        if not value:
            raise ValueError("empty")
        if re.sub(r"[^a-z]", "", value.lower()) in PLACEHOLDER_TOKENS or value.startswith("<"):
            raise ValueError("a placeholder; paste the bot token from the Developer Portal")
        if value.lower().startswith("bot "):
            raise ValueError("starts with 'Bot '; give the bare token, discord.py adds the prefix")
        if any(ch.isspace() for ch in value):
            raise ValueError("contains white space; paste the token exactly as Discord shows it")
        return SecretStr(value)

    @field_validator("allowed_channel_ids", "shard_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept `123, 456` (the natural way to write a list in a .env file) as well as JSON."""
        if isinstance(value, str):
            return tuple(part for part in re.split(r"[\s,]+", value.strip("[] ")) if part)
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("discord_api_base")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        return _url(value, ("http://", "https://"))

    @field_validator("discord_gateway_url")
    @classmethod
    def _websocket_url(cls, value: str | None) -> str | None:
        return _url(value, ("ws://", "wss://"))

    @model_validator(mode="after")
    def _shards_fit(self) -> Self:
        if self.shard_ids is None:
            return self
        if self.shard_count is None:
            raise ValueError("SHARD_IDS needs SHARD_COUNT, the total number of shards")
        if not self.shard_ids:
            raise ValueError("SHARD_IDS is empty; leave it unset to run every shard")
        if any(not 0 <= shard < self.shard_count for shard in self.shard_ids):
            raise ValueError(
                f"SHARD_IDS must be between 0 and SHARD_COUNT - 1 ({self.shard_count - 1})"
            )
        return self

    @property
    def sharded(self) -> bool:
        """Whether to run as an AutoShardedBot."""
        return self.shard_count is not None


def _url(value: str | None, schemes: tuple[str, ...]) -> str | None:
    if value is None:
        return None
    value = value.strip().rstrip("/")
    if not value.startswith(schemes):
        raise ValueError(f"must start with {' or '.join(schemes)}")
    return value


def describe_error(error: ValidationError) -> str:
    """One line naming each bad setting by its environment variable, without any values."""
    problems = []
    for item in error.errors(include_input=False, include_url=False):
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "missing":
            message = "not set (put it in the environment or in .env; see .env.example)"
        problems.append(f"{str(item['loc'][0]).upper()}: {message}" if item["loc"] else message)
    return "invalid settings: " + "; ".join(problems)
