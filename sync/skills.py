"""The skill vocabulary: the codes an engineer can have and an order can require.

One fixed list, here in the shared layer, so the API validates against it (an unknown code is
422), the candidate ranking compares the same strings, and the README and the OpenAPI document
list them. A new trade is a one-line change here.
"""

from __future__ import annotations

SKILLS: dict[str, str] = {
    "appliance": "household appliances (washers, dryers, ovens)",
    "boiler": "boilers and water heaters",
    "electrical": "electrical installation and repair",
    "elevator": "lifts and escalators",
    "ev_charger": "electric-vehicle chargers",
    "gas": "gas appliances (certified gas work)",
    "hvac": "heating, ventilation and air conditioning",
    "network": "network and Wi-Fi equipment",
    "plumbing": "plumbing",
    "refrigeration": "commercial refrigeration",
    "security": "alarms, cameras and access control",
    "solar": "solar panels and inverters",
}


def unknown_skills(codes: list[str]) -> list[str]:
    """The codes that are not in the vocabulary, in the order given."""
    return [code for code in codes if code not in SKILLS]
