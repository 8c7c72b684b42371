"""The books of a dossier: status changes, transfers, merges, audited reads and the list as of a day."""
