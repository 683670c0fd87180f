-- Pp: penalty and liquidated-damages cases issued in the period, with whether each is a
-- broker case (19 U.S.C. 1641: the broker's exposure, never the importer's) and whether it
-- is a floor case (the reported EO penalty floor applies: an importer case whose kind is in
-- $floor_case_kinds, issued on or after the floor's effective date; floor metrics bind
-- their own $effective_on, so the flag is recomputed there from issued_on).
create or replace temp table period_penalties as
select
    *,
    coalesce(statute, '') = '19USC1641' as is_broker_case,
    status in ('mitigated', 'paid', 'referred', 'closed') as is_decided,
    status in ('open', 'petitioned') as is_pending
from penalties
where issued_on >= $period_start
  and issued_on < $period_end
