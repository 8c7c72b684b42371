"""Send the dashboards' reads to a read replica, when the deployment names one.

With `RONGJIA_REPLICA_DATABASE_URL` set (a PostgreSQL streaming replica), the precomputed
figures are read there: a province's dashboards then take no reading work from the primary
that every write goes to. Figures are minutes old by design, so replication lag (seconds)
changes nothing a reader can see. Writes, and every other model's reads, stay on the primary.
"""

REPLICA = "replica"


class StatisticsReplicaRouter:
    def db_for_read(self, model, **hints):
        return REPLICA if model._meta.app_label == "insights" and model.__name__ != "StatsRefresh" else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"  # the replica receives the schema by replication
