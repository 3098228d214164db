"""Deliberate mistakes from the schema audit (issue 9): each is refused, and
the first violation names the field at fault, so a person can act on it.

Each case is a payload the docs' tables forbid, written next to the rule it
breaks; the pages' own examples live in ``docs/examples/`` (test_doc_examples).
"""

from __future__ import annotations

from typing import Any

import pytest

import codec

TOKEN = "abcdefghijklmnqrstuvwxyz"
RULE: dict[str, Any] = {
    "condition": "and",
    "list_id": 1,
    "queries": [{"compo": "default", "name": "statseg", "operator": "once", "type": "statseg"}],
}

# (endpoint, direction, payload, field the first violation must name)
CASES: list[tuple[str, str, dict[str, Any], str]] = [
    # segments/add: a rule's condition is and/or only.
    ("segments/add", "request", {"name": "s", "segment": [{**RULE, "condition": "xor"}]}, "condition"),
    # segments/add: a rule needs its database.
    ("segments/add", "request", {"name": "s", "segment": [{"condition": "and", "queries": []}]}, "list_id"),
    # segments/add: a rule needs its queries.
    ("segments/add", "request", {"name": "s", "segment": [{"condition": "and", "list_id": 1}]}, "queries"),
    # segments/add: at least one rule.
    ("segments/add", "request", {"name": "s", "segment": []}, "segment"),
    # segments/add: a dynamic segment needs rules.
    ("segments/add", "request", {"name": "s", "is_static": False}, "segment"),
    # segments/add: a static segment without rules needs its database.
    ("segments/add", "request", {"name": "s", "is_static": True}, "list_id"),
    # segments/add: an updatable segment (v74: is_refresh_daily) needs rules.
    ("segments/add", "request", {"name": "s", "is_static": True, "is_refresh_daily": True, "list_id": 1}, "segment"),
    # segments/add: percent_to is 1-100.
    ("segments/add", "request", {"name": "s", "segment": [{**RULE, "percent_to": 101}]}, "percent_to"),
    # segments/update: same rule objects as segments/add.
    ("segments/update", "request", {"id": 1, "name": "s", "segment": [{**RULE, "condition": "xor"}]}, "condition"),
    # segments/update: a static segment without rules needs its database.
    ("segments/update", "request", {"id": 1, "name": "s", "is_static": True}, "list_id"),
    # segments/add response: saved_id is an int.
    ("segments/add", "response", {"error": 0, "data": {"saved_id": "1"}}, "saved_id"),
    # workflows/start: subscription_filter is flat; its members are typed.
    (
        "workflows/start",
        "request",
        {"id": 1, "email": "a@b.c", "subscription_filter": {"not_strict": "yes"}},
        "not_strict",
    ),
    # workflows/start: format is json, xml or the table's csv; nothing else.
    ("workflows/start", "request", {"id": 1, "email": "a@b.c", "format": "pdf"}, "format"),
    # campaigns/triggers/start: the same subscription_filter object.
    ("campaigns/triggers/start", "request", {"id": 1, "email": "a@b.c", "subscription_filter": {"phone": 7}}, "phone"),
    # scampaigns/activate: the table requires an activation date.
    ("scampaigns/activate", "request", {"id": 1}, "activate_date"),
    # scampaigns/activate: start_date is RFC 3339 or empty.
    ("scampaigns/activate", "request", {"id": 1, "start_date": "2025-04-01 18:45"}, "start_date"),
    # workflows/list response: a group is {ID, title} or {id, name}.
    ("workflows/list", "response", {"error": 0, "data": [{"groups": [{"ID": "2", "title": "x"}]}]}, "groups"),
    # templates/add: a channel names itself.
    ("templates/add", "request", {"name": "t", "channels": [{"fields": {"text": "hi"}}]}, "sid"),
    # templates/update: the template to update is required.
    ("templates/update", "request", {"name": "t", "channels": [{"sid": "email", "fields": {}}]}, "id"),
    # campaigns/triggers/get: the mailing ID is an int.
    ("campaigns/triggers/get", "request", {"id": "7"}, "id"),
    # campaigns/triggers/import_and_start: the mailing to launch is required.
    ("campaigns/triggers/import_and_start", "request", {"data": {"email": "a@b.c"}}, "trigger_id"),
    # campaigns/triggers/import_and_start: a matching mode needs its lookup field.
    ("campaigns/triggers/import_and_start", "request", {"data": {}, "trigger_id": 1, "matching": "phone"}, "phone"),
    # campaigns/triggers/import_and_start: timeout parts are counts.
    (
        "campaigns/triggers/import_and_start",
        "request",
        {"data": {}, "trigger_id": 1, "timeout": {"minutes": -5}},
        "minutes",
    ),
    # campaigns/triggers/import_and_start_batch: each item is {data: {...}}.
    ("campaigns/triggers/import_and_start_batch", "request", {"data": [{"email": "a@b.c"}], "trigger_id": 1}, "data"),
    # campaigns/triggers/add: the sending channel is required.
    ("campaigns/triggers/add", "request", {"name": "n", "content": [], "trigger_type": "api_call"}, "send_channel"),
    # campaigns/triggers/update: push_sending_mode is fanout or last.
    (
        "campaigns/triggers/update",
        "request",
        {"id": 1, "name": "n", "content": [], "trigger_type": "api_call", "push_sending_mode": "all"},
        "push_sending_mode",
    ),
]


def _first(payload: dict[str, Any], endpoint: str, direction: str) -> codec.Violation:
    violations = list(codec.iter_errors(payload, endpoint=endpoint, direction=direction))  # type: ignore[arg-type]
    assert violations, f"{endpoint} {direction} accepted {payload!r}"
    return violations[0]


@pytest.mark.parametrize(("endpoint", "direction", "payload", "field"), CASES, ids=lambda v: str(v)[:40])
def test_mistake_is_refused_naming_the_field(
    endpoint: str, direction: str, payload: dict[str, Any], field: str
) -> None:
    first = _first({"token": TOKEN, **payload} if direction == "request" else payload, endpoint, direction)
    assert field in str(first), str(first)
