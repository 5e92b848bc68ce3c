"""The roster: bodies, their contacts, and named, versioned recipient lists."""
