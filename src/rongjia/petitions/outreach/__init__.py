"""接访、约访、下访、督访, leaders' reception days and sensitive periods (models stay in the petitions app)."""
