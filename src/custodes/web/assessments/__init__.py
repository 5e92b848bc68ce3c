"""Code of Practice self-assessments: per body and system, per principle, with evidence,
action plans, publication, the national matrix and cross-checks with survey returns."""
