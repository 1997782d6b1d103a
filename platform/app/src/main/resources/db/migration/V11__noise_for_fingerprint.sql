-- A noise run queued because a worker with a new environment fingerprint (CPU, threads, GPU) reported a
-- trial: the fingerprint it was queued for, so the campaign asks once per fingerprint.
alter table trial add column for_fingerprint varchar(200);
