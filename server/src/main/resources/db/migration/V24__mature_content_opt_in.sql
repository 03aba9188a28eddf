-- Plan enforcement (docs/PLANS.md, "Enforcement").
-- A user's own choice to see models marked mature in config/models.json: off until they turn it on
-- on the Account page (confirming they are 18 or older). Their plan must allow mature content too.
ALTER TABLE app_user ADD COLUMN mature_content_opt_in boolean NOT NULL DEFAULT false;

-- generation_job.priority (V2) now holds the plan's queue priority at submit: standard 0, priority 1,
-- fastest 2. The dispatcher takes jobs past the aging threshold first, then by priority; the
-- partial index generation_job_dispatch (priority DESC, created_at, id) WHERE status = 'QUEUED'
-- still finds the queued rows, and the weekly count of a limited model's images reads
-- generation_job_user (user_id, created_at DESC) or generation_job_model_created. No new index is needed.
