"""A job posting the tests analyse."""

JOB_POSTING = """Senior Backend Engineer
Acme Payments is looking for a Senior Backend Engineer to join the ledger team.

What you'll do
- Design and build payment services in Python and Go
- Own the reliability of our Kafka pipelines
- Mentor engineers and review designs

Requirements
- 5+ years of experience building backend systems
- Strong Python and PostgreSQL
- Experience with Kubernetes and Docker

Nice to have
- Terraform
- Experience with Stripe
"""
