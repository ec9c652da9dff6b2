"""Send public reads to a read replica when one is configured (DATABASE_REPLICA_URL).

Writes, migrations, users, sessions and login throttling stay on the primary. Content reads
(admin lists included) may lag by the replica's delay. The content version is always read from
the primary, so a lagging replica cannot make a server treat stale results as current for long:
the next version change rebuilds from whatever the replica then holds.
"""

from conditions.models import ContentVersion, IndexSnapshot

PRIMARY_ONLY_APPS = {"admin", "auth", "sessions", "axes", "contenttypes"}


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # Snapshots too: a process waiting for another's build must see it as soon as it is stored.
        if model in (ContentVersion, IndexSnapshot) or model._meta.app_label in PRIMARY_ONLY_APPS:
            return "default"
        return "replica"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # both aliases hold the same data

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
