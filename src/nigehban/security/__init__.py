"""Protecting police facilities: the registry, audit checklists, risk, hardening plans and patrols.

- :mod:`~nigehban.security.vocabulary`: facility types and threat scenarios.
- :mod:`~nigehban.security.checklist`: the versioned audit checklist (TOML) and vulnerability scores.
- :mod:`~nigehban.security.catalogue`: the countermeasure catalogue (TOML; cost, items fixed).
- :mod:`~nigehban.security.facilities` and :mod:`~nigehban.security.audits`: the stored registry and audits.
- :mod:`~nigehban.security.risk`: Threat × Vulnerability × Consequence per facility and scenario.
- :mod:`~nigehban.security.plan`: the budgeted hardening plan (exact MILP with HiGHS).
- :mod:`~nigehban.security.patrol`: Stackelberg coverage of K units and randomised rosters.
"""
