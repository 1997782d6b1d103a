/**
 * Read-only views of campaigns and trials for the trial browser: paged, sorted and filtered trials, per-specialist
 * and per-status counts, the best-so-far series with the noise floor, the lineage tree, chains, diffs and a trial's
 * recipe. Nothing here writes; every answer is built from Postgres and the task's lineage store.
 */
package dev.looplab.platform.browse;
