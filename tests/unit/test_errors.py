"""The domain errors: one class per contract code, the same error bodies on the wire."""

import pytest

from mockmate.errors import (
    HTTP_STATUS,
    Conflict,
    ErrorCode,
    InvalidState,
    MockMateError,
    NotFound,
    error_for,
)


@pytest.mark.parametrize("code", list(ErrorCode))
def test_every_code_has_its_own_error_class_with_the_contract_body(code: ErrorCode) -> None:
    error = error_for(code, "what went wrong", field="x")
    assert type(error) is not MockMateError and error.code is code
    assert error.body() == {"code": code.value, "message": "what went wrong", "field": "x"}
    assert code in HTTP_STATUS


def test_catching_one_kind_lets_the_others_through() -> None:
    with pytest.raises(Conflict):
        try:
            raise Conflict("already answered")
        except (NotFound, InvalidState):
            pytest.fail("a conflict is neither not-found nor an invalid state")
