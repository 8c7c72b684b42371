"""Households in grids (网格): the station assigns its households to its grids; each grid worker keeps theirs."""
