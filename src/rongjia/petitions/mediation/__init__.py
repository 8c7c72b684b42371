"""人民调解: mediation by the 退役军人事务人民调解委员会 and its 老兵调解室 (models stay in the petitions app)."""
