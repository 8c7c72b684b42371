"""The supervision mailbox (督查信箱): public feedback on stations, answered by the centre above (petitions app)."""
