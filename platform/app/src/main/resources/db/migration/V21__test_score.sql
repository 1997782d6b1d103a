-- The score on the task's test slice, which no trial is selected on: set only on a trial that became its
-- campaign's best, so the browser and the search benchmark show validation and test side by side.
alter table trial add column test_score double precision;
-- A would-be best's test score while its confirmation runs decide; cleared when they do (moved to test_score
-- on a keep), so a trial that is not a best never keeps one.
alter table trial add column pending_test_score double precision;
