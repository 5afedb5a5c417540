"""Who a user is: the contract's three roles and the office pair among them.

Here, at the bottom layer, so schemas validate with it and the server's services, views and
console read the same names.
"""

from __future__ import annotations

ENGINEER, SUPERVISOR, DISPATCHER = "engineer", "supervisor", "dispatcher"
ROLES = (ENGINEER, SUPERVISOR, DISPATCHER)
# The office: dispatch and the supervisor console; only a supervisor creates these accounts.
OFFICE = (DISPATCHER, SUPERVISOR)
