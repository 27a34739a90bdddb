"""The REST answers of the account routes (`/api/auth/*`): what the server sends, as models,
so docs/openapi.json describes each of them exactly (handlers send them with
`model_response`)."""

from pydantic import BaseModel

from mockmate.auth.refresh import DeviceView, TokenPair


class PublicUser(BaseModel):
    id: str
    email: str
    display_name: str


class SignedIn(TokenPair):
    """Register, login, refresh, the second step and a password change: the contract's
    `{token, user}`, and more."""

    user: PublicUser


class MfaChallenge(BaseModel):
    """`POST /api/auth/login` of an account with two-factor sign-in: send the code to
    `/api/auth/login/2fa` with this token."""

    mfa_required: bool
    mfa_token: str
    expires_in: int


class MeUser(PublicUser):
    roles: list[str]
    last_login_at: str | None


class Me(BaseModel):
    """`GET /api/auth/me`: the user and the device (sign-in) this token belongs to."""

    user: MeUser
    device_id: str | None


class Devices(BaseModel):
    devices: list[DeviceView]


class TwoFactorStatus(BaseModel):
    enabled: bool
    recovery_codes_left: int


class TwoFactorSetup(BaseModel):
    secret: str
    otpauth_url: str


class TwoFactorEnabled(BaseModel):
    enabled: bool
    recovery_codes: list[str]


class TwoFactorDisabled(BaseModel):
    enabled: bool
