"""Profiles: per-field PATCH messages, read-only fields, time zones, dedup, merge semantics."""

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mockmate.errors import ErrorCode
from mockmate.profiles.models import (
    Profile,
    ProfileValidationError,
    apply_patch,
    parse_patch,
    patch_errors,
)

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
T1 = T0 + timedelta(hours=1)


def fresh() -> Profile:
    return Profile.new("Ada", T0)


def patched(raw: dict[str, Any], profile: Profile | None = None) -> Profile:
    return apply_patch(profile or fresh(), parse_patch(raw), T1)


def slot(weekday: int, start: str, end: str) -> dict[str, Any]:
    return {"weekday": weekday, "start": start, "end": end}


# --- a new profile ----------------------------------------------------------------------


def test_a_new_profile_is_private_free_and_consents_to_nothing() -> None:
    profile = fresh()
    assert profile.display_name == "Ada"
    assert profile.time_zone == "UTC"
    assert profile.visibility == "private"
    assert profile.subscription_tier == "free"
    assert profile.consent.model_dump() == {
        "recordings": False, "analytics": False, "marketing": False
    }
    assert profile.created_at == profile.updated_at == T0
    assert profile.industries == [] and profile.salary_range is None


def test_a_long_or_blank_registration_name_still_gives_a_profile() -> None:
    assert Profile.new("x" * 100, T0).display_name == "x" * 80
    assert Profile.new("   ", T0).display_name == "Candidate"


def test_the_wire_shape_is_plain_json() -> None:
    body = patched({"salary_range": {"min_cents": 1, "max_cents": 2, "currency": "EUR"}}).wire()
    assert body["created_at"] == "2026-01-05T09:00:00Z"
    assert body["salary_range"] == {"min_cents": 1, "max_cents": 2, "currency": "EUR"}
    assert body["notifications"]["email"] is True


# --- per-field messages -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"display_name": "   "}, {"display_name": "must not be empty"}),
        ({"display_name": "x" * 81}, {"display_name": "at most 80 characters"}),
        ({"bio": "x" * 2001}, {"bio": "at most 2000 characters"}),
        ({"pronouns": "x" * 41}, {"pronouns": "at most 40 characters"}),
        ({"current_role": "x" * 121}, {"current_role": "at most 120 characters"}),
        ({"years_experience": 61}, {"years_experience": "must be at most 60"}),
        ({"years_experience": -1}, {"years_experience": "must be at least 0"}),
        ({"years_experience": 2.5}, {"years_experience": "must be a whole number"}),
        ({"years_experience": "5"}, {"years_experience": "must be a whole number"}),
        ({"years_experience": True}, {"years_experience": "must be a whole number"}),
        ({"session_length_min": 9}, {"session_length_min": "must be at least 10"}),
        ({"session_length_min": 121}, {"session_length_min": "must be at most 120"}),
        ({"industries": ["a", "b", "c", "d"]}, {"industries": "at most 3 items"}),
        ({"target_roles": [str(i) for i in range(6)]}, {"target_roles": "at most 5 items"}),
        ({"target_companies": [str(i) for i in range(11)]},
         {"target_companies": "at most 10 items"}),
        ({"industries": ["ok", "  "]}, {"industries.1": "must not be empty"}),
        ({"industries": "fintech"}, {"industries": "must be a list"}),
        ({"visibility": "friends"},
         {"visibility": "must be one of 'public', 'peers_only' or 'private'"}),
        ({"difficulty_preference": "expert"},
         {"difficulty_preference": "must be one of 'junior', 'mid' or 'senior'"}),
        ({"preferred_interview_types": ["technical", "case"]},
         {"preferred_interview_types.1": "must be one of 'behavioral', 'technical' or 'mixed'"}),
        ({"notifications": {"push": "yes"}}, {"notifications.push": "must be true or false"}),
        ({"notifications": {"sms": True}}, {"notifications.sms": "unknown field"}),
        ({"notifications": True}, {"notifications": "must be an object"}),
        ({"consent": {"marketing": 1}}, {"consent.marketing": "must be true or false"}),
        ({"display_name": None}, {"display_name": "must not be null"}),
        ({"notifications": {"email": None}}, {"notifications.email": "must not be null"}),
    ],
)
def test_each_bad_field_gets_its_own_readable_message(
    raw: dict[str, Any], expected: dict[str, str]
) -> None:
    assert patch_errors(raw) == expected


def test_all_bad_fields_are_reported_at_once() -> None:
    errors = patch_errors(
        {"industries": ["a", "b", "c", "d"], "time_zone": "Mars/Base", "bio": "fine"}
    )
    assert errors == {"industries": "at most 3 items", "time_zone": "unknown time zone 'Mars/Base'"}


def test_parse_patch_raises_with_the_same_messages_and_a_contract_error() -> None:
    with pytest.raises(ProfileValidationError) as caught:
        parse_patch({"visibility": "everyone", "session_length_min": 5})
    assert set(caught.value.errors) == {"visibility", "session_length_min"}
    wire = caught.value.as_mockmate_error()
    assert wire.code is ErrorCode.INVALID_PAYLOAD
    assert {"field": "session_length_min", "message": "must be at least 10"} in wire.details[
        "fields"
    ]
    assert "session_length_min: must be at least 10" in wire.message


@pytest.mark.parametrize("raw", [[], "name=Ada", None, 42])
def test_a_body_that_is_not_an_object_is_refused_as_a_whole(raw: object) -> None:
    assert patch_errors(raw) == {"payload": "must be an object"}


def test_a_valid_patch_has_no_errors() -> None:
    assert patch_errors({"display_name": "Ada L.", "time_zone": "Europe/Paris"}) == {}
    assert patch_errors({}) == {}


# --- read-only and unknown fields -------------------------------------------------------


@pytest.mark.parametrize("field", ["subscription_tier", "created_at", "updated_at"])
def test_read_only_fields_cannot_be_patched(field: str) -> None:
    assert patch_errors({field: "premium", "bio": "hi"}) == {field: "is read-only"}


def test_an_unknown_field_is_refused_rather_than_ignored() -> None:
    assert patch_errors({"displayName": "Ada"}) == {"displayName": "unknown field"}


# --- time zones -------------------------------------------------------------------------


@pytest.mark.parametrize("tz", ["UTC", "America/Los_Angeles", "Asia/Kolkata", "Etc/GMT+5"])
def test_real_iana_zones_are_accepted(tz: str) -> None:
    assert patched({"time_zone": f" {tz} "}).time_zone == tz


@pytest.mark.parametrize("tz", ["Mars/Base", "utc", "../etc/passwd", "America/", "PST8"])
def test_unknown_zones_are_named_in_the_message(tz: str) -> None:
    assert patch_errors({"time_zone": tz}) == {"time_zone": f"unknown time zone {tz!r}"}


def test_an_empty_or_huge_zone_name_is_refused() -> None:
    assert patch_errors({"time_zone": ""}) == {"time_zone": "must not be empty"}
    assert patch_errors({"time_zone": "A" * 65}) == {"time_zone": "at most 64 characters"}


# --- salary range -----------------------------------------------------------------------


def test_a_salary_range_is_stored_with_an_upper_case_currency() -> None:
    profile = patched({"salary_range": {"min_cents": 100, "max_cents": 100, "currency": "usd"}})
    assert profile.salary_range is not None
    assert profile.salary_range.currency == "USD"


@pytest.mark.parametrize(
    ("salary", "expected"),
    [
        ({"min_cents": 5, "max_cents": 4, "currency": "USD"},
         {"salary_range": "min_cents must not exceed max_cents"}),
        ({"min_cents": 1, "max_cents": 4, "currency": "US"},
         {"salary_range.currency": "must be a 3-letter ISO 4217 currency code such as USD"}),
        ({"min_cents": -1, "max_cents": 4, "currency": "USD"},
         {"salary_range.min_cents": "must be at least 0"}),
        ({"min_cents": 1, "currency": "USD"}, {"salary_range.max_cents": "is required"}),
        ({"min_cents": 1, "max_cents": 2, "currency": "USD", "period": "year"},
         {"salary_range.period": "unknown field"}),
    ],
)
def test_salary_range_rules(salary: dict[str, Any], expected: dict[str, str]) -> None:
    assert patch_errors({"salary_range": salary}) == expected


def test_null_clears_the_salary_range_and_years_of_experience() -> None:
    start = patched(
        {"years_experience": 7, "salary_range": {"min_cents": 1, "max_cents": 2, "currency": "GBP"}}
    )
    cleared = apply_patch(start, parse_patch({"years_experience": None, "salary_range": None}), T1)
    assert cleared.years_experience is None and cleared.salary_range is None


# --- time slots -------------------------------------------------------------------------


def test_time_slots_are_normalised_to_hh_mm() -> None:
    profile = patched({"available_time_slots": [slot(0, "9:00", "10:30")]})
    assert profile.available_time_slots[0].model_dump() == slot(0, "09:00", "10:30")


@pytest.mark.parametrize(
    ("slots", "expected"),
    [
        ([slot(7, "09:00", "10:00")], {"available_time_slots.0.weekday": "must be at most 6"}),
        ([slot(0, "10:00", "10:00")], {"available_time_slots.0": "end must be after start"}),
        ([slot(0, "09:00", "10:00"), slot(1, "11:00", "10:00")],
         {"available_time_slots.1": "end must be after start"}),
        ([slot(0, "24:00", "10:00")],
         {"available_time_slots.0.start": "must be a time of day as HH:MM (00:00 to 23:59)"}),
        ([slot(0, "09:00", "9am")],
         {"available_time_slots.0.end": "must be a time of day as HH:MM (00:00 to 23:59)"}),
        ([slot(2, "09:00", "11:00"), slot(2, "10:00", "12:00")],
         {"available_time_slots": "slots overlap on Wednesday (09:00-11:00 and 10:00-12:00)"}),
        ([slot(d % 7, f"{d // 7 + 8:02d}:00", f"{d // 7 + 8:02d}:30") for d in range(22)],
         {"available_time_slots": "at most 21 items"}),
    ],
)
def test_time_slot_rules(slots: list[dict[str, Any]], expected: dict[str, str]) -> None:
    assert patch_errors({"available_time_slots": slots}) == expected


def test_back_to_back_slots_and_21_slots_are_fine() -> None:
    slots = [slot(d % 7, f"{d // 7 + 8:02d}:00", f"{d // 7 + 9:02d}:00") for d in range(21)]
    assert len(patched({"available_time_slots": slots}).available_time_slots) == 21


# --- deduplication ----------------------------------------------------------------------


def test_lists_drop_case_insensitive_repeats_keeping_the_first_spelling_and_order() -> None:
    profile = patched(
        {
            "industries": [" FinTech", "Health", "fintech ", "HEALTH", "Retail"],
            "target_companies": ["Acme", "ACME", "Globex"],
            "preferred_interview_types": ["technical", "mixed", "technical"],
        }
    )
    assert profile.industries == ["FinTech", "Health", "Retail"]
    assert profile.target_companies == ["Acme", "Globex"]
    assert profile.preferred_interview_types == ["technical", "mixed"]


def test_the_size_limit_counts_distinct_entries() -> None:
    assert patch_errors({"industries": ["AI", "ai", "Ai", "Health", "Retail"]}) == {}


# --- merge semantics --------------------------------------------------------------------


def test_only_the_fields_in_the_patch_change() -> None:
    start = patched({"bio": "Backend dev", "pronouns": "she/her", "years_experience": 4})
    after = apply_patch(start, parse_patch({"bio": "  Staff engineer  "}), T1 + timedelta(1))
    assert after.bio == "Staff engineer"
    assert (after.pronouns, after.years_experience) == ("she/her", 4)
    assert after.created_at == T0


def test_one_notification_flag_keeps_the_others() -> None:
    start = patched({"notifications": {"email": False, "weekly_summary": False}})
    after = apply_patch(start, parse_patch({"notifications": {"push": True}}), T1)
    assert after.notifications.model_dump() == {
        "email": False, "push": True, "streak_reminders": True, "weekly_summary": False
    }


def test_one_consent_flag_keeps_the_others() -> None:
    start = patched({"consent": {"recordings": True}})
    after = apply_patch(start, parse_patch({"consent": {"analytics": True}}), T1)
    assert after.consent.model_dump() == {"recordings": True, "analytics": True, "marketing": False}


def test_lists_and_salary_are_replaced_whole() -> None:
    start = patched({"target_roles": ["SRE", "Backend"]})
    after = apply_patch(start, parse_patch({"target_roles": ["Frontend"]}), T1)
    assert after.target_roles == ["Frontend"]
    assert apply_patch(after, parse_patch({"target_roles": []}), T1).target_roles == []


def test_a_change_moves_updated_at_but_a_no_op_does_not() -> None:
    profile = fresh()
    changed = apply_patch(profile, parse_patch({"visibility": "public"}), T1)
    assert changed.updated_at == T1
    same = apply_patch(changed, parse_patch({"visibility": "public"}), T1 + timedelta(days=1))
    assert same.updated_at == T1
    assert apply_patch(profile, parse_patch({}), T1) is profile
    unchanged_flag = apply_patch(profile, parse_patch({"notifications": {"email": True}}), T1)
    assert unchanged_flag.updated_at == T0


def test_patching_never_changes_the_subscription_tier() -> None:
    premium = fresh().model_copy(update={"subscription_tier": "premium"})
    after = apply_patch(premium, parse_patch({"display_name": "Ada L", "visibility": "public"}), T1)
    assert after.subscription_tier == "premium"
    assert after.display_name == "Ada L" and after.visibility == "public"
