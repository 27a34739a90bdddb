"""The base of the REST answers that services build as dicts.

A handler sends `Model.model_validate(service_answer)` (`server/http.py` `model_response`),
so the model is what goes out and docs/openapi.json describes it. A key the model does not
name is refused rather than dropped: an answer that outgrew its model fails its tests at
once instead of losing a field unnoticed.
"""

from pydantic import BaseModel, ConfigDict


class Reply(BaseModel):
    model_config = ConfigDict(extra="forbid")
