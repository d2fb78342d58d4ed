-- Replace the as_of_date action lists from marts.building_risk (same date) and bld_features.
-- Actions, deadlines and their bases come from config/building_risk.yaml (renovation).
DELETE FROM marts.renovation_candidates WHERE as_of_date = $as_of_date;

CREATE OR REPLACE TEMP TABLE bld_candidates_base AS
SELECT
    r.*,
    f.latest_inspected_on,
    f.last_structural_work_at,
    f.last_prefab_governance_at,
    f.last_seismic_retrofit_at
FROM marts.building_risk AS r
JOIN bld_features AS f USING (building_id)
WHERE r.as_of_date = $as_of_date;

-- C/D dangerous buildings (局部危房 / 整幢危房). Works completed after the grading inspection
-- turn the action into a re-inspection: the grade stands until a new inspection lifts it.
INSERT INTO marts.renovation_candidates BY NAME
WITH danger AS (
    SELECT
        *,
        coalesce(last_structural_work_at > latest_inspected_at, FALSE) AS works_since,
        CASE
            WHEN coalesce(last_structural_work_at > latest_inspected_at, FALSE)
                THEN CAST(timezone('Asia/Shanghai', last_structural_work_at) AS DATE) + $reinspect_days::INTEGER
            WHEN latest_grade = 'D' THEN latest_inspected_on + $d_days::INTEGER
            ELSE latest_inspected_on + $c_days::INTEGER
        END AS due
    FROM bld_candidates_base
    WHERE latest_grade IN ('C', 'D')
)
SELECT
    $as_of_date::DATE AS as_of_date,
    building_id,
    'danger_' || lower(latest_grade) AS list_type,
    district_id,
    occupancy AS occupants,
    risk_level,
    CASE WHEN works_since THEN $reinspect_action WHEN latest_grade = 'D' THEN $d_action ELSE $c_action END
        AS required_action,
    due AS deadline,
    row_number() OVER (
        PARTITION BY latest_grade ORDER BY risk_score DESC, occupancy DESC NULLS LAST, building_id
    )::INTEGER AS priority,
    CASE latest_grade WHEN 'D' THEN 'D级整幢危房' ELSE 'C级局部危房' END
        || '（鉴定 ' || strftime(latest_inspected_on, '%Y-%m-%d') || '）'
        || CASE WHEN works_since THEN '，' || strftime(last_structural_work_at, '%Y-%m-%d') || ' 已完成治理待复核' ELSE '' END
        || CASE WHEN due < $as_of_date::DATE THEN '，已逾期' ELSE '' END
        || '，' || coalesce(occupancy::VARCHAR || '人', '人数不明')
        || ' / grade ' || latest_grade || ' since ' || strftime(latest_inspected_on, '%Y-%m-%d')
        || CASE WHEN works_since THEN ', works done ' || strftime(last_structural_work_at, '%Y-%m-%d') || ', awaiting re-inspection' ELSE '' END
        || CASE WHEN due < $as_of_date::DATE THEN ', overdue' ELSE '' END
        || ', ' || coalesce(occupancy::VARCHAR || ' occupants', 'occupants unknown') AS reason,
    $run_id AS run_id
FROM danger;

-- Prefab hollow-core slab buildings not yet under systematic governance (预制板房屋系统治理).
INSERT INTO marts.renovation_candidates BY NAME
SELECT
    $as_of_date::DATE AS as_of_date,
    building_id,
    'prefab_governance' AS list_type,
    district_id,
    occupancy AS occupants,
    risk_level,
    $prefab_action AS required_action,
    $prefab_deadline::DATE AS deadline,
    row_number() OVER (
        ORDER BY risk_score DESC, expected_occupants_affected DESC NULLS LAST, occupancy DESC NULLS LAST, building_id
    )::INTEGER AS priority,
    '预制空心板房屋，' || coalesce(year_built::VARCHAR || '年建', '建成年份不明') || '，'
        || coalesce(floors::VARCHAR || '层', '层数不明') || '，' || coalesce(occupancy::VARCHAR || '人', '人数不明')
        || '，未纳入系统治理 / prefab hollow-core slab, built ' || coalesce(year_built::VARCHAR, 'unknown')
        || ', ' || coalesce(floors::VARCHAR, '?') || ' floors, ' || coalesce(occupancy::VARCHAR, '?')
        || ' occupants, no governance record' AS reason,
    $run_id AS run_id
FROM bld_candidates_base
WHERE structure_type = 'prefab_hollow_core_slab' AND last_prefab_governance_at IS NULL;

-- Seismic retrofit: fortified below the site intensity and never retrofitted, ranked by the
-- expected occupants affected in the scenario earthquake.
INSERT INTO marts.renovation_candidates BY NAME
SELECT
    $as_of_date::DATE AS as_of_date,
    building_id,
    'seismic_retrofit' AS list_type,
    district_id,
    occupancy AS occupants,
    risk_level,
    $seismic_action AS required_action,
    $seismic_deadline::DATE AS deadline,
    row_number() OVER (
        ORDER BY expected_occupants_affected DESC NULLS LAST, risk_score DESC, building_id
    )::INTEGER AS priority,
    '设防' || fortification_intensity::VARCHAR || '度 < 场地' || site_intensity::VARCHAR || '度，情景地震预计受影响约'
        || coalesce(round(expected_occupants_affected)::BIGINT::VARCHAR, '?') || '人'
        || ' / fortification ' || fortification_intensity::VARCHAR || ' < site ' || site_intensity::VARCHAR
        || ', not retrofitted, scenario: ~' || coalesce(round(expected_occupants_affected)::BIGINT::VARCHAR, '?')
        || ' occupants affected, P(complete) ' || coalesce(round(100 * p_complete)::BIGINT::VARCHAR || ' %', 'unknown')
        AS reason,
    $run_id AS run_id
FROM bld_candidates_base
WHERE fortification_intensity < site_intensity AND last_seismic_retrofit_at IS NULL;

-- Data issues: records that contradict themselves or are missing; officers verify them.
INSERT INTO marts.renovation_candidates BY NAME
SELECT
    $as_of_date::DATE AS as_of_date,
    building_id,
    'data_issue' AS list_type,
    district_id,
    occupancy AS occupants,
    risk_level,
    $data_action AS required_action,
    $as_of_date::DATE + $data_days::INTEGER AS deadline,
    row_number() OVER (ORDER BY risk_score DESC, occupancy DESC NULLS LAST, building_id)::INTEGER AS priority,
    data_flags AS reason,
    $run_id AS run_id
FROM bld_candidates_base
WHERE data_flags IS NOT NULL;
