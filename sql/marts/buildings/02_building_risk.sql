-- Replace the as_of_date snapshot of marts.building_risk from the facts (bld_features) and the
-- scores computed in Python (bld_scored, registered by pipelines/buildings/stage.py).
DELETE FROM marts.building_risk WHERE as_of_date = $as_of_date;

INSERT INTO marts.building_risk BY NAME
SELECT
    f.building_id,
    $as_of_date::DATE AS as_of_date,
    f.district_id,
    f.name,
    f.structure_type,
    f.year_built,
    f.floors,
    f.height_m,
    f.use,
    f.occupancy,
    f.latest_grade,
    f.latest_inspected_at,
    f.grade_history,
    f.valid_inspections,
    f.member_ratio,
    s.member_ratio_grade,
    f.site_intensity,
    f.fortification_intensity,
    s.hazus_type,
    s.code_level,
    s.scenario_pga_g,
    s.likelihood,
    s.consequence,
    s.risk_score,
    s.risk_level,
    s.p_slight,
    s.p_moderate,
    s.p_extensive,
    s.p_complete,
    s.expected_occupants_affected,
    s.data_flags,
    s.drivers,
    f.responsible_unit_id,
    f.lon,
    f.lat,
    $run_id AS run_id
FROM bld_features AS f
JOIN bld_scored AS s USING (building_id)
WHERE NOT f.demolished;
