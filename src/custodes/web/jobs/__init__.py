"""Background jobs: durable rows in the database, queued and run by Huey."""
