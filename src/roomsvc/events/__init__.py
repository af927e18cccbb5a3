"""Events for app backends: a transactional outbox, subscriptions, signed at-least-once delivery, SSE."""
