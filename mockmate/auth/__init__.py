"""Accounts and tokens: argon2 password hashes, HS256 JWTs, registration and login."""
