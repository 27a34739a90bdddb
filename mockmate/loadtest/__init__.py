"""`mockmate loadtest`: scripted candidates against running servers, with figures and SLOs.

Load testers use the server too, so the benchmark drivers are a documented command
(docs/loadtest.md): `text`, `voice`, `stream` and `bookings` scenarios (`scenarios.py`,
`bookings.py`), run by `runner.py` over users minted in bulk, summarised by `stats.py` and
printed by `report.py`; `--slo` thresholds (`slo.py`) turn the figures into an exit status.
"""
