"""Prometheus metrics, in a registry owned by the app rather than the process-wide default."""

import gc

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest

ACK_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
GC_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.events = Counter(
            "mockmate_events", "Client events received", ["event"], registry=self.registry
        )
        self.errors = Counter(
            "mockmate_event_errors", "Client events answered with an error",
            ["event", "code"], registry=self.registry,
        )
        self.ack_seconds = Histogram(
            "mockmate_ack_seconds", "Time from receiving an event to its ack",
            ["event"], buckets=ACK_BUCKETS, registry=self.registry,
        )
        self.connections = Gauge(
            "mockmate_connections", "Open Socket.IO connections", registry=self.registry
        )
        self.jobs = Counter(
            "mockmate_jobs", "Background jobs finished", ["kind", "outcome"],
            registry=self.registry,
        )
        self.malformed_frames = Counter(
            "mockmate_malformed_frames", "Socket.IO frames refused: undecodable or reserved names",
            ["kind"], registry=self.registry,
        )
        self.http_requests = Counter(
            "mockmate_http_requests", "REST requests", ["route", "status"],
            registry=self.registry,
        )

        # Every socket's acks wait while the collector runs (mockmate.server.gc_pauses).
        self.gc_pause_seconds = Histogram(
            "mockmate_gc_pause_seconds", "Garbage collections: how long each stopped the process",
            ["generation"], buckets=GC_BUCKETS, registry=self.registry,
        )
        self.gc_frozen_objects = Gauge(
            "mockmate_gc_frozen_objects", "Start-up objects frozen out of garbage collection",
            registry=self.registry,
        )
        self.gc_frozen_objects.set_function(gc.get_freeze_count)

    def render(self) -> bytes:
        return generate_latest(self.registry)
