"""client_ok.py with two mistakes: a misspelt member (emial) and a string for an integer."""

from __future__ import annotations

import codec
from codec.types import ProfilesImportRequest, RelationsEditRequest, RelationsGetRequest, RelationsGetResponse


def edit_request(rel_id: int, a: str, b: str) -> RelationsEditRequest:
    return {
        "token": "bfc505684d774e52b188fa1f003cd5ed",
        "rel_id": rel_id,
        "profile_a": {"profile_id": a},
        "profile_b": {"email": b, "matching": "email"},
        "weights": {"user_like": 2, "donate": 343},
    }


def get_request(rel_id: int) -> RelationsGetRequest:
    body: RelationsGetRequest = {"rel_id": rel_id, "matching": "email", "emial": "a@example.com"}
    body["resource_id"] = "3"
    return body


def import_request() -> ProfilesImportRequest:
    return {"db_id": 1, "matching": "email", "email": "a@example.com", "data": {"_fname": "Ann"}}


def send(body: RelationsGetRequest) -> bytes:
    return codec.encode(dict(body), endpoint="relations/get", direction="request")


def error_of(answer: RelationsGetResponse) -> int:
    return answer["error"]
