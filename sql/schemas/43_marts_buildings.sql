-- Building safety marts (pipelines/buildings): one snapshot per as_of_date, replaced whole on re-run.
CREATE TABLE IF NOT EXISTS marts.building_risk (
    building_id VARCHAR NOT NULL,
    as_of_date DATE NOT NULL,
    district_id VARCHAR,
    name VARCHAR,
    structure_type VARCHAR,
    year_built INTEGER,
    floors INTEGER,
    height_m DOUBLE,
    use VARCHAR,
    occupancy INTEGER,
    latest_grade VARCHAR,
    latest_inspected_at TIMESTAMPTZ,
    grade_history VARCHAR,
    valid_inspections INTEGER,
    member_ratio DOUBLE,
    member_ratio_grade VARCHAR,
    site_intensity INTEGER,
    fortification_intensity INTEGER,
    hazus_type VARCHAR,
    code_level VARCHAR,
    scenario_pga_g DOUBLE,
    likelihood INTEGER NOT NULL,
    consequence INTEGER NOT NULL,
    risk_score INTEGER NOT NULL,
    risk_level VARCHAR NOT NULL,
    p_slight DOUBLE,
    p_moderate DOUBLE,
    p_extensive DOUBLE,
    p_complete DOUBLE,
    expected_occupants_affected DOUBLE,
    data_flags VARCHAR,
    drivers VARCHAR NOT NULL,
    responsible_unit_id VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    run_id VARCHAR,
    PRIMARY KEY (building_id, as_of_date)
);
COMMENT ON TABLE marts.building_risk IS '房屋安全风险 Building risk per building and as_of_date: JGJ 125 danger grade, vulnerability, consequence, 5x5 matrix level and a Hazus-style scenario earthquake (config/building_risk.yaml, config/building_fragility.yaml). Demolished buildings are left out.';
COMMENT ON COLUMN marts.building_risk.building_id IS 'Building code (staging.buildings).';
COMMENT ON COLUMN marts.building_risk.as_of_date IS 'Local date the assessment covers; inspections and works after it are ignored.';
COMMENT ON COLUMN marts.building_risk.district_id IS 'District of the building.';
COMMENT ON COLUMN marts.building_risk.name IS 'Building or estate name (Chinese).';
COMMENT ON COLUMN marts.building_risk.structure_type IS 'Structure type as registered; NULL = unknown (flagged in data_flags).';
COMMENT ON COLUMN marts.building_risk.year_built IS 'Year completed as registered (impossible years kept and flagged, not used for age).';
COMMENT ON COLUMN marts.building_risk.floors IS 'Storeys above ground.';
COMMENT ON COLUMN marts.building_risk.height_m IS 'Height in metres.';
COMMENT ON COLUMN marts.building_risk.use IS 'Main use (school, hospital, elderly_care, group_rental, ...).';
COMMENT ON COLUMN marts.building_risk.occupancy IS 'Typical occupants (persons).';
COMMENT ON COLUMN marts.building_risk.latest_grade IS 'Latest valid JGJ 125 grade (A-D) on or before as_of_date; NULL = never validly inspected (or not since a rebuild).';
COMMENT ON COLUMN marts.building_risk.latest_inspected_at IS 'Time of the inspection that gave latest_grade.';
COMMENT ON COLUMN marts.building_risk.grade_history IS 'All inspections up to as_of_date, oldest first: "date grade" joined by "; ", withdrawn ones marked "(withdrawn)".';
COMMENT ON COLUMN marts.building_risk.valid_inspections IS 'Number of valid inspections up to as_of_date.';
COMMENT ON COLUMN marts.building_risk.member_ratio IS 'Unweighted share of dangerous members in the latest inspection (dangerous_members / total_members); NULL without counts.';
COMMENT ON COLUMN marts.building_risk.member_ratio_grade IS 'JGJ 125 grade implied by member_ratio (0 A, <5 % B, 5-25 % C, >=25 % D); member weights unconfirmed.';
COMMENT ON COLUMN marts.building_risk.site_intensity IS 'Basic seismic intensity of the site (zone containing the building, else the highest zone of its district).';
COMMENT ON COLUMN marts.building_risk.fortification_intensity IS 'Effective fortification intensity: the latest retrofit or rebuild value, else the registered one.';
COMMENT ON COLUMN marts.building_risk.hazus_type IS 'Hazus model building type used for fragility (e.g. URML, PC2M, C1H); NULL when the structure is unknown.';
COMMENT ON COLUMN marts.building_risk.code_level IS 'Hazus seismic design level of the curves used: pre_code, low_code, moderate_code, high_code.';
COMMENT ON COLUMN marts.building_risk.scenario_pga_g IS 'Peak ground acceleration (g) of the configured scenario earthquake at the site.';
COMMENT ON COLUMN marts.building_risk.likelihood IS 'Likelihood score 1-5 (grade base plus vulnerability points, capped at 5).';
COMMENT ON COLUMN marts.building_risk.consequence IS 'Consequence score 1-5 (use, occupancy, high-rise).';
COMMENT ON COLUMN marts.building_risk.risk_score IS 'likelihood x consequence (1-25).';
COMMENT ON COLUMN marts.building_risk.risk_level IS 'red, orange, yellow or blue from the 5x5 matrix, raised to the floor of a C/D grade.';
COMMENT ON COLUMN marts.building_risk.p_slight IS 'Scenario probability of ending in exactly the slight damage state.';
COMMENT ON COLUMN marts.building_risk.p_moderate IS 'Scenario probability of ending in exactly the moderate damage state.';
COMMENT ON COLUMN marts.building_risk.p_extensive IS 'Scenario probability of ending in exactly the extensive damage state.';
COMMENT ON COLUMN marts.building_risk.p_complete IS 'Scenario probability of complete damage.';
COMMENT ON COLUMN marts.building_risk.expected_occupants_affected IS 'occupancy x (p_extensive x w_e + p_complete x w_c), Hazus displacement weights from config.';
COMMENT ON COLUMN marts.building_risk.data_flags IS 'Data problems found, joined by "; " (contradicting_grades, structure_type_missing, year_impossible, year_missing, grade_vs_member_ratio, fortification_missing, site_intensity_unknown); NULL when clean.';
COMMENT ON COLUMN marts.building_risk.drivers IS 'Why the building scored as it did, in Chinese and English.';
COMMENT ON COLUMN marts.building_risk.responsible_unit_id IS 'Property manager / responsible unit.';
COMMENT ON COLUMN marts.building_risk.lon IS 'WGS84 longitude.';
COMMENT ON COLUMN marts.building_risk.lat IS 'WGS84 latitude.';
COMMENT ON COLUMN marts.building_risk.run_id IS 'Run that wrote the row.';

CREATE TABLE IF NOT EXISTS marts.renovation_candidates (
    as_of_date DATE NOT NULL,
    building_id VARCHAR NOT NULL,
    list_type VARCHAR NOT NULL,
    district_id VARCHAR,
    occupants INTEGER,
    risk_level VARCHAR,
    required_action VARCHAR NOT NULL,
    deadline DATE,
    priority INTEGER NOT NULL,
    reason VARCHAR NOT NULL,
    run_id VARCHAR,
    PRIMARY KEY (as_of_date, list_type, building_id)
);
COMMENT ON TABLE marts.renovation_candidates IS '整治清单 Action lists per as_of_date: danger_d (整幢危房), danger_c (局部危房), prefab_governance (预制板房屋系统治理), seismic_retrofit (抗震加固) and data_issue (records to verify). A building may be on several lists.';
COMMENT ON COLUMN marts.renovation_candidates.as_of_date IS 'Local date of the snapshot (same as marts.building_risk).';
COMMENT ON COLUMN marts.renovation_candidates.building_id IS 'Building code.';
COMMENT ON COLUMN marts.renovation_candidates.list_type IS 'danger_d, danger_c, prefab_governance, seismic_retrofit or data_issue.';
COMMENT ON COLUMN marts.renovation_candidates.district_id IS 'District of the building.';
COMMENT ON COLUMN marts.renovation_candidates.occupants IS 'Typical occupants of the building.';
COMMENT ON COLUMN marts.renovation_candidates.risk_level IS 'Risk level of the building in marts.building_risk on the same date.';
COMMENT ON COLUMN marts.renovation_candidates.required_action IS 'Required action, Chinese / English (config/building_risk.yaml renovation).';
COMMENT ON COLUMN marts.renovation_candidates.deadline IS 'Due date: C/D from the grading inspection, campaign target date for prefab and seismic lists, as_of_date + N days for data issues.';
COMMENT ON COLUMN marts.renovation_candidates.priority IS 'Rank within the list, 1 = first (D/C/prefab/data: risk score then occupants; seismic: expected occupants affected).';
COMMENT ON COLUMN marts.renovation_candidates.reason IS 'Why the building is on the list, in words.';
COMMENT ON COLUMN marts.renovation_candidates.run_id IS 'Run that wrote the row.';
