-- Pipe network risk marts (pipelines/pipes): one snapshot per as_of_date, replaced whole.
CREATE TABLE IF NOT EXISTS marts.pipe_risk (
    as_of_date DATE NOT NULL,
    segment_id VARCHAR NOT NULL,
    network VARCHAR NOT NULL,
    material VARCHAR,
    is_ductile BOOLEAN,
    diameter_mm DOUBLE,
    pressure_class VARCHAR,
    length_m DOUBLE,
    install_year INTEGER,
    district_id VARCHAR,
    responsible_unit_id VARCHAR,
    prior_breaks INTEGER,
    prior_breaks_5y INTEGER,
    likelihood_model VARCHAR,
    likelihood_per_km_year DOUBLE,
    expected_breaks_per_year DOUBLE,
    likelihood_score DOUBLE,
    consequence_score DOUBLE,
    risk_score DOUBLE,
    risk_level VARCHAR NOT NULL,
    seismic_zone_id VARCHAR,
    scenario_intensity INTEGER,
    pgv_cm_s DOUBLE,
    pgd_in DOUBLE,
    p_liquefaction DOUBLE,
    seismic_repair_rate_per_km DOUBLE,
    p_failure_scenario DOUBLE,
    drivers VARCHAR NOT NULL,
    replacement_rank INTEGER,
    geometry GEOMETRY,
    run_id VARCHAR,
    PRIMARY KEY (as_of_date, segment_id)
);
COMMENT ON TABLE marts.pipe_risk IS '管段风险 Pipe segment risk = likelihood of failure x consequence, with the Hazus earthquake scenario; one snapshot per as_of_date.';
COMMENT ON COLUMN marts.pipe_risk.as_of_date IS 'Local date the assessment covers (breaks known before the end of that day).';
COMMENT ON COLUMN marts.pipe_risk.segment_id IS 'Pipe segment code (staging.pipe_segments).';
COMMENT ON COLUMN marts.pipe_risk.network IS 'Network: water, gas, heating or drainage.';
COMMENT ON COLUMN marts.pipe_risk.material IS 'Pipe material code (CI, DI, STEEL, PE, PVC, AC, CONCRETE, ...).';
COMMENT ON COLUMN marts.pipe_risk.is_ductile IS 'Ductile pipe for Hazus (steel, ductile iron, PVC, PE): repair rates x 0.3.';
COMMENT ON COLUMN marts.pipe_risk.diameter_mm IS 'Nominal diameter (mm).';
COMMENT ON COLUMN marts.pipe_risk.pressure_class IS 'Pressure class (gas low/medium_b/medium_a/high_b; water/heating PN; drainage gravity).';
COMMENT ON COLUMN marts.pipe_risk.length_m IS 'Segment length (m).';
COMMENT ON COLUMN marts.pipe_risk.install_year IS 'Year laid (NULL when unknown; the model then uses the material median).';
COMMENT ON COLUMN marts.pipe_risk.district_id IS 'District of the segment.';
COMMENT ON COLUMN marts.pipe_risk.responsible_unit_id IS 'Owner / responsible unit.';
COMMENT ON COLUMN marts.pipe_risk.prior_breaks IS 'Breaks recorded on the segment since it was laid, before the assessment.';
COMMENT ON COLUMN marts.pipe_risk.prior_breaks_5y IS 'Of which in the last 5 years.';
COMMENT ON COLUMN marts.pipe_risk.likelihood_model IS 'Likelihood model used (empirical_bayes, gbm, blend; config/pipe_risk.yaml).';
COMMENT ON COLUMN marts.pipe_risk.likelihood_per_km_year IS 'Likelihood of failure: expected breaks per km per year.';
COMMENT ON COLUMN marts.pipe_risk.expected_breaks_per_year IS 'Expected breaks per year on the whole segment (likelihood x length).';
COMMENT ON COLUMN marts.pipe_risk.likelihood_score IS 'Likelihood on a 0-100 log scale (config risk.likelihood_scale).';
COMMENT ON COLUMN marts.pipe_risk.consequence_score IS 'Consequence of failure, 0-100 points (network, size, pressure, customers, schools/hospitals, dense housing, other lifelines, roads).';
COMMENT ON COLUMN marts.pipe_risk.risk_score IS 'Risk score 0-100: geometric mean of likelihood and consequence scores.';
COMMENT ON COLUMN marts.pipe_risk.risk_level IS 'Risk level red/orange/yellow/blue (bands in config/pipe_risk.yaml; earthquake escalation noted in drivers).';
COMMENT ON COLUMN marts.pipe_risk.seismic_zone_id IS 'Seismic zone the segment lies in (staging.seismic_zones), NULL if none.';
COMMENT ON COLUMN marts.pipe_risk.scenario_intensity IS 'Scenario intensity (degree) applied to the segment.';
COMMENT ON COLUMN marts.pipe_risk.pgv_cm_s IS 'Scenario peak ground velocity (cm/s).';
COMMENT ON COLUMN marts.pipe_risk.pgd_in IS 'Scenario permanent ground deformation from lateral spreading (inches, Hazus).';
COMMENT ON COLUMN marts.pipe_risk.p_liquefaction IS 'Scenario probability of liquefaction (Hazus).';
COMMENT ON COLUMN marts.pipe_risk.seismic_repair_rate_per_km IS 'Hazus repairs per km: 0.0001 PGV^2.25 + P_liq PGD^0.56, x 0.3 for ductile pipe.';
COMMENT ON COLUMN marts.pipe_risk.p_failure_scenario IS 'P(at least one repair) under the scenario = 1 - exp(-repair rate x length km).';
COMMENT ON COLUMN marts.pipe_risk.drivers IS 'Why, in words: network, size, neighbours, material, age, breaks, earthquake.';
COMMENT ON COLUMN marts.pipe_risk.replacement_rank IS 'Priority for replacement across all networks (1 = first).';
COMMENT ON COLUMN marts.pipe_risk.geometry IS 'Centre line (WGS84) for maps; NULL when the source has none.';
COMMENT ON COLUMN marts.pipe_risk.run_id IS 'Run that wrote the row.';

CREATE TABLE IF NOT EXISTS marts.pipe_replacement_plan (
    as_of_date DATE NOT NULL,
    network VARCHAR NOT NULL,
    priority INTEGER NOT NULL,
    segment_id VARCHAR NOT NULL,
    plan_year INTEGER NOT NULL,
    risk_level VARCHAR NOT NULL,
    risk_score DOUBLE,
    material VARCHAR,
    diameter_mm DOUBLE,
    length_m DOUBLE,
    unit_cost_cny_per_m DOUBLE,
    cost_cny DOUBLE,
    cumulative_length_m DOUBLE,
    cumulative_cost_cny DOUBLE,
    annual_budget_cny DOUBLE,
    expected_breaks_avoided_per_year DOUBLE,
    cumulative_breaks_avoided_per_year DOUBLE,
    drivers VARCHAR NOT NULL,
    run_id VARCHAR,
    PRIMARY KEY (as_of_date, network, priority)
);
COMMENT ON TABLE marts.pipe_replacement_plan IS '管网更新改造计划 Preventive replacement plan per network: segments in priority order, cut year by year by the annual budget.';
COMMENT ON COLUMN marts.pipe_replacement_plan.as_of_date IS 'Local date of the risk assessment the plan is built from.';
COMMENT ON COLUMN marts.pipe_replacement_plan.network IS 'Network: water, gas, heating or drainage.';
COMMENT ON COLUMN marts.pipe_replacement_plan.priority IS 'Order within the network (1 = first).';
COMMENT ON COLUMN marts.pipe_replacement_plan.segment_id IS 'Segment to replace.';
COMMENT ON COLUMN marts.pipe_replacement_plan.plan_year IS 'Budget year the replacement falls in (cumulative cost / annual budget).';
COMMENT ON COLUMN marts.pipe_replacement_plan.risk_level IS 'Risk level of the segment (red/orange/yellow/blue).';
COMMENT ON COLUMN marts.pipe_replacement_plan.risk_score IS 'Risk score 0-100 (marts.pipe_risk).';
COMMENT ON COLUMN marts.pipe_replacement_plan.material IS 'Material of the pipe being replaced.';
COMMENT ON COLUMN marts.pipe_replacement_plan.diameter_mm IS 'Nominal diameter (mm).';
COMMENT ON COLUMN marts.pipe_replacement_plan.length_m IS 'Segment length (m).';
COMMENT ON COLUMN marts.pipe_replacement_plan.unit_cost_cny_per_m IS 'Replacement unit cost by network and diameter (CNY/m, config; unconfirmed).';
COMMENT ON COLUMN marts.pipe_replacement_plan.cost_cny IS 'Replacement cost of the segment (CNY).';
COMMENT ON COLUMN marts.pipe_replacement_plan.cumulative_length_m IS 'Length replaced up to and including this segment (m).';
COMMENT ON COLUMN marts.pipe_replacement_plan.cumulative_cost_cny IS 'Cost up to and including this segment (CNY).';
COMMENT ON COLUMN marts.pipe_replacement_plan.annual_budget_cny IS 'Annual replacement budget of the network (CNY, config).';
COMMENT ON COLUMN marts.pipe_replacement_plan.expected_breaks_avoided_per_year IS 'Breaks per year avoided by replacing the segment (its expected breaks; a new pipe is assumed near zero).';
COMMENT ON COLUMN marts.pipe_replacement_plan.cumulative_breaks_avoided_per_year IS 'Breaks per year avoided up to and including this segment.';
COMMENT ON COLUMN marts.pipe_replacement_plan.drivers IS 'Why the segment is in the plan (copied from marts.pipe_risk).';
COMMENT ON COLUMN marts.pipe_replacement_plan.run_id IS 'Run that wrote the row.';
