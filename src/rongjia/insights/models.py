"""Precomputed statistics (DESIGN.md rule 7): a dashboard reads these rows, not the millions behind them.

Every figure is kept for a region at each of the five levels, summed over the region's whole
subtree, with the region one level up in `parent`, so "the cities of this province" is one
indexed equality (`parent = '620000000000'`) rather than a prefix scan. What happened on a day
(新增, 迁出, petitions received…) is a `DailyFigure`, summed by month in a `MonthlyFigure`; what
stands now (on the books, petitions open, overdue) is a `CurrentFigure`, recomputed at each
refresh. `insights.stats` writes them all.
"""

from django.db import models


class DailyFigure(models.Model):
    level = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12)  # the region's 12-digit code
    parent = models.CharField(max_length=12, blank=True)  # the region above; blank for a province
    day = models.DateField()
    metric = models.CharField(max_length=24)
    value = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "level", "day", "metric"], name="daily_figure_key")]
        indexes = [models.Index(fields=["parent", "day"], name="daily_figure_children")]

    def __str__(self):
        return f"{self.code} {self.day} {self.metric}={self.value}"


class MonthlyFigure(models.Model):
    """The month's sum of a DailyFigure (month = its first day), kept with it: a year's dashboard
    reads twelve rows per region and figure instead of 365."""

    level = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12)
    parent = models.CharField(max_length=12, blank=True)
    month = models.DateField()
    metric = models.CharField(max_length=24)
    value = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "level", "month", "metric"],
                                               name="monthly_figure_key")]
        indexes = [models.Index(fields=["parent", "month"], name="monthly_figure_children")]

    def __str__(self):
        return f"{self.code} {self.month:%Y-%m} {self.metric}={self.value}"


class CurrentFigure(models.Model):
    level = models.PositiveSmallIntegerField()
    code = models.CharField(max_length=12)
    parent = models.CharField(max_length=12, blank=True)
    metric = models.CharField(max_length=24)
    value = models.IntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "level", "metric"], name="current_figure_key")]
        indexes = [models.Index(fields=["parent"], name="current_figure_children")]

    def __str__(self):
        return f"{self.code} {self.metric}={self.value}"


class StatsRefresh(models.Model):
    """The one row that says when the figures were last brought up to date, and how long it took."""

    started_at = models.DateTimeField(null=True)
    finished_at = models.DateTimeField(null=True)  # None: never refreshed
    queued_at = models.DateTimeField(null=True)  # when a dashboard last asked for a refresh
    seconds = models.FloatField(default=0)
    full = models.BooleanField(default=False)  # a rebuild from scratch, not an incremental refresh

    def __str__(self):
        return f"{self.finished_at}"
