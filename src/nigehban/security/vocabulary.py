"""The words of facility protection: facility types and threat scenarios.

The scenarios are the four ways police facilities in Pakistan have been attacked: an armed assault or
complex attack (Karachi Police Office, 2023: gunmen over an unguarded rear wall), a suicide bomber on
foot (Peshawar Police Lines, 2023: a bomber in uniform walked in unsearched), a vehicle-borne IED
(the Bannu CTD compound and many FC posts), and an insider (an attacker among the staff).
"""

from __future__ import annotations

from typing import Final

__all__ = ["FACILITY_TYPES", "SCENARIOS", "SCENARIO_LABELS"]

SCENARIOS: Final[tuple[str, ...]] = ("armed_assault", "suicide_bomber", "vbied", "insider")

SCENARIO_LABELS: Final[dict[str, str]] = {
    "armed_assault": "armed assault / complex attack",
    "suicide_bomber": "suicide bomber on foot",
    "vbied": "vehicle-borne IED",
    "insider": "insider",
}

# snake_case id -> label
FACILITY_TYPES: Final[dict[str, str]] = {
    "police_station": "police station",
    "police_post": "police post",
    "check_post": "check-post",
    "police_lines": "police lines",
    "district_police_office": "district police office",
    "police_hq": "police headquarters",
    "ctd_office": "CTD office",
    "fc_post": "FC post",
    "levies_post": "Levies post",
    "court": "court",
    "other": "other",
}
