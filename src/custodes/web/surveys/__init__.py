"""Survey rounds: questionnaires, invitations, returns, submissions, corrections, activity."""
