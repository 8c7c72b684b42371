"""Legal aid: lawyer pools per 法律援助工作站 and referrals from a petition (models stay in the petitions app)."""
