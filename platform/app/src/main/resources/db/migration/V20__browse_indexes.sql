-- What the trial browser filters and sorts a campaign's trials by stays one index scan at 100,000 trials
-- (docs/benchmarks.md, "Trial browser"). The text index is the exact expression BrowseQueries.SEARCH_TEXT matches.
create index trial_campaign_status on trial (campaign_id, status);
create index trial_campaign_specialist on trial (campaign_id, specialist);
create index trial_campaign_score on trial (campaign_id, score);
create index trial_campaign_recorded on trial (campaign_id, recorded_at);
create index trial_search_text on trial
    using gin (to_tsvector('simple', coalesce(hypothesis, '') || ' ' || coalesce(feedback, '')));
