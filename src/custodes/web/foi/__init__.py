"""FOI campaigns: one request to many bodies, its events, replies and documents."""
