-- A job's receipt (what its hold took, charged and released: CreditStatements.receipt) is read for
-- every job the job page and the history show; without an index that read scanned the whole ledger.
CREATE INDEX ledger_entry_job ON ledger_entry (job_id) WHERE job_id IS NOT NULL;
