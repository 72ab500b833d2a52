"""RQ entry points: thin functions that load rows by id and call into isacc."""
