"""Settings: `.env.example` is complete and valid, placeholders are refused, the token is secret."""

import re

import pytest
from bot_support import ENV_EXAMPLE, TEST_TOKEN, clear_settings_environment, example_settings
from pydantic import ValidationError

from bot.settings import Settings, describe_error


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    clear_settings_environment(monkeypatch)


def test_env_example_builds_with_a_real_token_and_gives_the_defaults() -> None:
    settings = example_settings()

    assert settings.discord_token.get_secret_value() == TEST_TOKEN
    assert settings.discord_guild_id is None
    assert settings.allowed_channel_ids == ()
    assert (settings.cooldown_rate, settings.cooldown_seconds) == (3, 30.0)
    assert settings.log_level == "INFO"
    assert (settings.shard_count, settings.shard_ids, settings.sharded) == (None, None, False)
    assert (settings.discord_api_base, settings.discord_gateway_url) == (None, None)
    assert settings.message_content_intent is False
    assert settings.knowledge_dir is None


def test_env_example_documents_every_setting() -> None:
    documented = set(re.findall(r"^([A-Z_]+)=", ENV_EXAMPLE.read_text(), flags=re.MULTILINE))

    assert documented == {name.upper() for name in Settings.model_fields}


def test_env_example_token_is_a_placeholder_that_is_refused() -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=ENV_EXAMPLE)

    assert describe_error(raised.value) == (
        "invalid settings: DISCORD_TOKEN: a placeholder; "
        "paste the bot token from the Developer Portal"
    )


@pytest.mark.parametrize(
    "token",
    ["changethis", "your-token-here", "YOUR_TOKEN_HERE", "<your bot token>", "  ", "", "token"],
)
def test_placeholder_and_empty_tokens_are_refused(token: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, discord_token=token)

    assert describe_error(raised.value).startswith("invalid settings: DISCORD_TOKEN: ")


def test_missing_token_says_where_to_put_it() -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None)

    assert describe_error(raised.value) == (
        "invalid settings: DISCORD_TOKEN: not set "
        "(put it in the environment or in .env; see .env.example)"
    )


@pytest.mark.parametrize(
    ("token", "secret"),
    [
        ("Bot SECRETPART.abc.def", "SECRETPART"),
        ("SECRETPART with spaces", "SECRETPART"),
    ],
)
def test_a_malformed_token_is_not_echoed_in_errors(token: str, secret: str) -> None:
    with pytest.raises(ValidationError) as raised:
        Settings(_env_file=None, discord_token=token, discord_guild_id="not-a-number")

    for text in (str(raised.value), repr(raised.value), describe_error(raised.value)):
        assert secret not in text
    assert "\n" not in describe_error(raised.value)


def test_token_is_hidden_in_repr_and_str() -> None:
    settings = example_settings()

    for text in (repr(settings), str(settings), str(settings.model_dump())):
        assert TEST_TOKEN not in text


def test_token_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DISCORD_TOKEN", TEST_TOKEN)
    monkeypatch.setenv("LOG_LEVEL", "debug")

    settings = Settings(_env_file=ENV_EXAMPLE)

    assert settings.discord_token.get_secret_value() == TEST_TOKEN
    assert settings.log_level == "DEBUG"


def test_id_lists_accept_commas_spaces_and_json() -> None:
    assert example_settings(allowed_channel_ids="1, 2 3").allowed_channel_ids == (1, 2, 3)
    assert example_settings(allowed_channel_ids="[4,5]").allowed_channel_ids == (4, 5)


@pytest.mark.parametrize(("raw", "ids"), [("7", (7,)), ("7,8", (7, 8)), ("[7, 8]", (7, 8))])
def test_id_lists_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, raw: str, ids: tuple[int, ...]
) -> None:
    monkeypatch.setenv("ALLOWED_CHANNEL_IDS", raw)
    monkeypatch.setenv("SHARD_IDS", raw)
    monkeypatch.setenv("SHARD_COUNT", "9")

    settings = example_settings()

    assert (settings.allowed_channel_ids, settings.shard_ids) == (ids, ids)


def test_shards_are_checked_against_the_count() -> None:
    settings = example_settings(shard_count=4, shard_ids="2,3")
    assert (settings.sharded, settings.shard_ids) == (True, (2, 3))

    for bad, message in [
        ({"shard_ids": "0"}, "SHARD_IDS needs SHARD_COUNT"),
        ({"shard_count": 2, "shard_ids": "2"}, "between 0 and SHARD_COUNT - 1 (1)"),
        ({"shard_count": 0}, "SHARD_COUNT: Input should be greater than or equal to 1"),
    ]:
        with pytest.raises(ValidationError) as raised:
            example_settings(**bad)
        assert message in describe_error(raised.value)


def test_endpoints_must_be_urls_of_the_right_kind() -> None:
    settings = example_settings(
        discord_api_base="http://127.0.0.1:8080/api/v10/", discord_gateway_url="ws://127.0.0.1:8081"
    )
    assert settings.discord_api_base == "http://127.0.0.1:8080/api/v10"

    with pytest.raises(ValidationError) as raised:
        example_settings(discord_api_base="ws://x", discord_gateway_url="https://x")
    assert describe_error(raised.value) == (
        "invalid settings: DISCORD_API_BASE: must start with http:// or https://; "
        "DISCORD_GATEWAY_URL: must start with ws:// or wss://"
    )
