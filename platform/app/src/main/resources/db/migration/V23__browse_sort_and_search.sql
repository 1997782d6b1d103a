-- The trial browser sorts descending with nulls last (BrowseQueries.orderBy): an ascending index read backwards gives
-- nulls first, so -score, -delta_best and the like sorted every row of the campaign (194 ms p50 at 100,000 trials,
-- docs/benchmarks.md "Trial browser"). One index per sortable column and direction keeps each sort an index scan.
create index trial_campaign_score_desc on trial (campaign_id, score desc nulls last);
create index trial_campaign_delta_best on trial (campaign_id, delta_vs_best);
create index trial_campaign_delta_best_desc on trial (campaign_id, delta_vs_best desc nulls last);
create index trial_campaign_delta_parent on trial (campaign_id, delta_vs_parent);
create index trial_campaign_delta_parent_desc on trial (campaign_id, delta_vs_parent desc nulls last);
create index trial_campaign_train_seconds on trial (campaign_id, train_seconds);
create index trial_campaign_train_seconds_desc on trial (campaign_id, train_seconds desc nulls last);

-- The q filter's words were matched against to_tsvector(hypothesis || feedback) computed again for every candidate
-- row at query time (a phrase such as knob_7 is rechecked row by row: 163 ms p50). The vector is now stored beside
-- the row, computed by PostgreSQL on every write, and the GIN index is over that column.
alter table trial add column search_text tsvector
    generated always as (to_tsvector('simple', coalesce(hypothesis, '') || ' ' || coalesce(feedback, ''))) stored;
drop index trial_search_text;
create index trial_search_text on trial using gin (search_text);
