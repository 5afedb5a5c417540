"""Overdue alerts: rules, the scan that raises them, the outbox and the messaging adapters."""
