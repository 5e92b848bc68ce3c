"""Equipment registers in the database: assets, their change history, exposure and discrepancies."""
