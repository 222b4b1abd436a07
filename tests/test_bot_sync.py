"""The bot's commands against Discord's: equal despite what Discord adds, unequal on a change."""

import copy
from typing import Any

from bot.sync import canonical_commands

LOCAL: list[dict[str, Any]] = [
    {
        "name": "facts",
        "description": "List every fact the article gives on a topic",
        "type": 1,
        "options": [
            {
                "type": 3,
                "name": "topic",
                "description": "Which topic",
                "required": True,
                "choices": [{"name": "Quotes", "value": "quotes"}, {"name": "Pay", "value": "pay"}],
            },
            {"type": 4, "name": "page", "description": "Page", "required": False, "min_value": 0},
        ],
        "nsfw": False,
        "dm_permission": True,
        "default_member_permissions": None,
        "contexts": [0],
        "integration_types": [0],
    }
]

# What Discord returns for LOCAL: ids and versions added, defaults filled in, numbers as strings.
REMOTE: list[dict[str, Any]] = [
    {
        "id": "1234",
        "application_id": "99",
        "version": "5678",
        "type": 1,
        "name": "facts",
        "name_localizations": None,
        "description": "List every fact the article gives on a topic",
        "description_localizations": None,
        "dm_permission": False,
        "default_member_permissions": None,
        "nsfw": False,
        "contexts": [0],
        "integration_types": [0],
        "options": [
            {
                "type": 3,
                "name": "topic",
                "name_localized": "topic",
                "description": "Which topic",
                "required": True,
                "choices": [
                    {"name": "Quotes", "name_localizations": None, "value": "quotes"},
                    {"name": "Pay", "value": "pay"},
                ],
            },
            {"type": 4, "name": "page", "description": "Page", "min_value": 0},
        ],
    }
]


def test_discords_answer_for_the_same_commands_compares_equal() -> None:
    assert canonical_commands(LOCAL) == canonical_commands(REMOTE)


def test_permissions_compare_as_the_same_bit_set_whatever_the_type() -> None:
    local, remote = copy.deepcopy(LOCAL), copy.deepcopy(REMOTE)
    local[0]["default_member_permissions"] = 32
    remote[0]["default_member_permissions"] = "32"

    assert canonical_commands(local) == canonical_commands(remote)


def test_a_zero_is_a_value_not_a_default() -> None:
    remote = copy.deepcopy(REMOTE)
    del remote[0]["options"][1]["min_value"]

    assert canonical_commands(LOCAL) != canonical_commands(remote)


def test_each_kind_of_change_is_noticed() -> None:
    changes = [
        lambda c: c[0].update(description="Something else"),
        lambda c: c[0]["options"][0]["choices"].append({"name": "New", "value": "new"}),
        lambda c: c[0]["options"][0]["choices"].reverse(),
        lambda c: c[0]["options"][0].update(required=False),
        lambda c: c[0]["options"][0].update(autocomplete=True),
        lambda c: c[0].update(contexts=[0, 1]),
        lambda c: c[0].update(nsfw=True),
        lambda c: c.append({"name": "extra", "description": "x", "type": 1}),
        lambda c: c.clear(),
    ]
    for change in changes:
        remote = copy.deepcopy(REMOTE)
        change(remote)
        assert canonical_commands(LOCAL) != canonical_commands(remote), change
