-- A job's receipt (what its hold took, charged and released: CreditStatements.receipt) is read for
-- every job the job page and the history show; without an index that read scanned the whole ledger.
CREATE INDEX ledger_entry_job ON ledger_entry (job_id) WHERE job_id IS NOT NULL;

-- Every submit counts the user's queued and running jobs (the per-user limit); the index on running
-- jobs alone left that count to walk the user's whole history. This one serves both that count and
-- the dispatcher's count of a user's running jobs (status = 'RUNNING' implies the index predicate).
CREATE INDEX generation_job_user_active ON generation_job (user_id, status) WHERE status IN ('QUEUED', 'RUNNING');
DROP INDEX generation_job_user_running;
