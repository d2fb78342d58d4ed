-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- staging.<source>: deduplicated, typed; geometry in WGS84 plus geom_m in metres.
CREATE TABLE IF NOT EXISTS staging.districts (
    district_id VARCHAR,
    name_zh VARCHAR,
    name_en VARCHAR,
    population BIGINT,
    area_km2 DOUBLE,
    geometry GEOMETRY,
    geom_m GEOMETRY
);
COMMENT ON TABLE staging.districts IS '行政区 Administrative districts with outlines and resident population.';
COMMENT ON COLUMN staging.districts.district_id IS 'District code (GB/T 2260 style).';
COMMENT ON COLUMN staging.districts.name_zh IS 'District name in Chinese.';
COMMENT ON COLUMN staging.districts.name_en IS 'District name in pinyin/English.';
COMMENT ON COLUMN staging.districts.population IS 'Resident population. [persons]';
COMMENT ON COLUMN staging.districts.area_km2 IS 'Land area. [km2]';
COMMENT ON COLUMN staging.districts.geometry IS 'District outline (WGS84 polygon).';
COMMENT ON COLUMN staging.districts.geom_m IS 'Geometry in EPSG:4551 (metres) for distances and buffers.';

CREATE TABLE IF NOT EXISTS staging.dmas (
    dma_id VARCHAR,
    district_id VARCHAR,
    name VARCHAR,
    mains_length_km DOUBLE,
    service_connections INTEGER,
    private_pipe_km DOUBLE,
    avg_pressure_m DOUBLE,
    geometry GEOMETRY,
    geom_m GEOMETRY
);
COMMENT ON TABLE staging.dmas IS '计量分区 District metered areas of the water network.';
COMMENT ON COLUMN staging.dmas.dma_id IS 'DMA code.';
COMMENT ON COLUMN staging.dmas.district_id IS 'District the DMA lies in.';
COMMENT ON COLUMN staging.dmas.name IS 'DMA name.';
COMMENT ON COLUMN staging.dmas.mains_length_km IS 'Length of mains (Lm in UARL). [km]';
COMMENT ON COLUMN staging.dmas.service_connections IS 'Number of service connections (Nc in UARL).';
COMMENT ON COLUMN staging.dmas.private_pipe_km IS 'Length of private service pipe (Lp in UARL). [km]';
COMMENT ON COLUMN staging.dmas.avg_pressure_m IS 'Average operating pressure (P in UARL). [m]';
COMMENT ON COLUMN staging.dmas.geometry IS 'DMA boundary (WGS84 polygon).';
COMMENT ON COLUMN staging.dmas.geom_m IS 'Geometry in EPSG:4551 (metres) for distances and buffers.';

CREATE TABLE IF NOT EXISTS staging.seismic_zones (
    zone_id VARCHAR,
    district_id VARCHAR,
    site_intensity INTEGER,
    pga_g DOUBLE,
    liquefaction_susceptibility VARCHAR,
    geometry GEOMETRY,
    geom_m GEOMETRY
);
COMMENT ON TABLE staging.seismic_zones IS '地震区划 Seismic and liquefaction zoning (GB 18306-2015 site intensity).';
COMMENT ON COLUMN staging.seismic_zones.zone_id IS 'Zone code.';
COMMENT ON COLUMN staging.seismic_zones.district_id IS 'District the zone mostly lies in.';
COMMENT ON COLUMN staging.seismic_zones.site_intensity IS 'Basic seismic intensity (degree).';
COMMENT ON COLUMN staging.seismic_zones.pga_g IS 'Design peak ground acceleration. [g]';
COMMENT ON COLUMN staging.seismic_zones.liquefaction_susceptibility IS 'Hazus liquefaction susceptibility class.';
COMMENT ON COLUMN staging.seismic_zones.geometry IS 'Zone outline (WGS84 polygon).';
COMMENT ON COLUMN staging.seismic_zones.geom_m IS 'Geometry in EPSG:4551 (metres) for distances and buffers.';

CREATE TABLE IF NOT EXISTS staging.responsible_units (
    unit_id VARCHAR,
    name_zh VARCHAR,
    domain VARCHAR,
    district_id VARCHAR,
    contact VARCHAR
);
COMMENT ON TABLE staging.responsible_units IS '责任单位 Asset owners and responsible units (utilities, district offices).';
COMMENT ON COLUMN staging.responsible_units.unit_id IS 'Unit code.';
COMMENT ON COLUMN staging.responsible_units.name_zh IS 'Unit name in Chinese.';
COMMENT ON COLUMN staging.responsible_units.domain IS 'Domain the unit answers for.';
COMMENT ON COLUMN staging.responsible_units.district_id IS 'District served (empty for city-wide units).';
COMMENT ON COLUMN staging.responsible_units.contact IS 'Duty phone or contact person.';

CREATE TABLE IF NOT EXISTS staging.sensors (
    sensor_id VARCHAR,
    domain VARCHAR,
    measure VARCHAR,
    unit VARCHAR,
    location_type VARCHAR,
    asset_id VARCHAR,
    dma_id VARCHAR,
    district_id VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    depth_m DOUBLE,
    pressure_class VARCHAR,
    nominal_value DOUBLE,
    sampling_interval_s INTEGER,
    installed_on DATE,
    geometry GEOMETRY,
    geom_m GEOMETRY
);
COMMENT ON TABLE staging.sensors IS '传感器台账 Lifeline sensor registry.';
COMMENT ON COLUMN staging.sensors.sensor_id IS 'Sensor code.';
COMMENT ON COLUMN staging.sensors.domain IS 'Lifeline domain.';
COMMENT ON COLUMN staging.sensors.measure IS 'What is measured (see config/measures.yaml).';
COMMENT ON COLUMN staging.sensors.unit IS 'Unit of the readings (must match config/measures.yaml).';
COMMENT ON COLUMN staging.sensors.location_type IS 'Where the sensor sits (methane thresholds differ by space).';
COMMENT ON COLUMN staging.sensors.asset_id IS 'Monitored asset (pipe segment';
COMMENT ON COLUMN staging.sensors.dma_id IS 'DMA for water sensors.';
COMMENT ON COLUMN staging.sensors.district_id IS 'District.';
COMMENT ON COLUMN staging.sensors.lon IS 'WGS84 longitude. [degree]';
COMMENT ON COLUMN staging.sensors.lat IS 'WGS84 latitude. [degree]';
COMMENT ON COLUMN staging.sensors.depth_m IS 'Depth of manhole/pipe for level sensors. [m]';
COMMENT ON COLUMN staging.sensors.pressure_class IS 'Gas pressure class (low';
COMMENT ON COLUMN staging.sensors.nominal_value IS 'Design operating value (service pressure target';
COMMENT ON COLUMN staging.sensors.sampling_interval_s IS 'Expected interval between readings. [s]';
COMMENT ON COLUMN staging.sensors.installed_on IS 'Installation date.';
COMMENT ON COLUMN staging.sensors.geometry IS 'Point from lon/lat (WGS84).';
COMMENT ON COLUMN staging.sensors.geom_m IS 'Geometry in EPSG:4551 (metres) for distances and buffers.';

CREATE VIEW IF NOT EXISTS staging.readings AS SELECT sensor_id, measured_at, value FROM raw.readings;
COMMENT ON VIEW staging.readings IS '监测数据 Sensor readings of all lifeline domains (one file per domain and day). View over raw.readings (already unique by key at ingestion), so a run''s cost does not grow with history; filter by the time column.';
COMMENT ON COLUMN staging.readings.sensor_id IS 'Sensor code.';
COMMENT ON COLUMN staging.readings.measured_at IS 'Time of measurement (ISO 8601 with offset).';
COMMENT ON COLUMN staging.readings.value IS 'Reading in the sensor''s unit.';

CREATE TABLE IF NOT EXISTS staging.pipe_segments (
    segment_id VARCHAR,
    network VARCHAR,
    material VARCHAR,
    diameter_mm DOUBLE,
    install_year INTEGER,
    length_m DOUBLE,
    pressure_class VARCHAR,
    customers_served INTEGER,
    under_major_road BOOLEAN,
    district_id VARCHAR,
    dma_id VARCHAR,
    responsible_unit_id VARCHAR,
    status VARCHAR,
    geometry GEOMETRY,
    geom_m GEOMETRY
);
COMMENT ON TABLE staging.pipe_segments IS '管段台账 Pipe segments of water, gas, heating and drainage networks.';
COMMENT ON COLUMN staging.pipe_segments.segment_id IS 'Segment code.';
COMMENT ON COLUMN staging.pipe_segments.network IS 'Network.';
COMMENT ON COLUMN staging.pipe_segments.material IS 'Pipe material code (CI';
COMMENT ON COLUMN staging.pipe_segments.diameter_mm IS 'Nominal diameter. [mm]';
COMMENT ON COLUMN staging.pipe_segments.install_year IS 'Year laid.';
COMMENT ON COLUMN staging.pipe_segments.length_m IS 'Segment length. [m]';
COMMENT ON COLUMN staging.pipe_segments.pressure_class IS 'Pressure class (gas low/medium_b/medium_a/high_b; water/heating PN; drainage gravity).';
COMMENT ON COLUMN staging.pipe_segments.customers_served IS 'Customers downstream (where known).';
COMMENT ON COLUMN staging.pipe_segments.under_major_road IS 'Runs under a traffic corridor.';
COMMENT ON COLUMN staging.pipe_segments.district_id IS 'District.';
COMMENT ON COLUMN staging.pipe_segments.dma_id IS 'DMA for water mains.';
COMMENT ON COLUMN staging.pipe_segments.responsible_unit_id IS 'Owner / responsible unit.';
COMMENT ON COLUMN staging.pipe_segments.status IS 'In service or abandoned.';
COMMENT ON COLUMN staging.pipe_segments.geometry IS 'Centre line (WGS84 line string); needed for maps and proximity';
COMMENT ON COLUMN staging.pipe_segments.geom_m IS 'Geometry in EPSG:4551 (metres) for distances and buffers.';

CREATE TABLE IF NOT EXISTS staging.pipe_breaks (
    break_id VARCHAR,
    segment_id VARCHAR,
    occurred_at TIMESTAMPTZ,
    failure_type VARCHAR,
    repaired_at TIMESTAMPTZ
);
COMMENT ON TABLE staging.pipe_breaks IS '管网事故 Break and leak history of pipe segments.';
COMMENT ON COLUMN staging.pipe_breaks.break_id IS 'Incident code.';
COMMENT ON COLUMN staging.pipe_breaks.segment_id IS 'Failed segment.';
COMMENT ON COLUMN staging.pipe_breaks.occurred_at IS 'When the failure was reported.';
COMMENT ON COLUMN staging.pipe_breaks.failure_type IS 'Failure mode.';
COMMENT ON COLUMN staging.pipe_breaks.repaired_at IS 'When service was restored.';

CREATE TABLE IF NOT EXISTS staging.buildings (
    building_id VARCHAR,
    name VARCHAR,
    address VARCHAR,
    district_id VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    structure_type VARCHAR,
    year_built INTEGER,
    floors INTEGER,
    height_m DOUBLE,
    use VARCHAR,
    occupancy INTEGER,
    fortification_intensity INTEGER,
    max_span_m DOUBLE,
    glass_curtain_wall BOOLEAN,
    responsible_unit_id VARCHAR,
    geometry GEOMETRY,
    geom_m GEOMETRY
);
COMMENT ON TABLE staging.buildings IS '房屋台账 Building registry.';
COMMENT ON COLUMN staging.buildings.building_id IS 'Building code.';
COMMENT ON COLUMN staging.buildings.name IS 'Building or estate name (Chinese).';
COMMENT ON COLUMN staging.buildings.address IS 'Street address (Chinese).';
COMMENT ON COLUMN staging.buildings.district_id IS 'District.';
COMMENT ON COLUMN staging.buildings.lon IS 'WGS84 longitude. [degree]';
COMMENT ON COLUMN staging.buildings.lat IS 'WGS84 latitude. [degree]';
COMMENT ON COLUMN staging.buildings.structure_type IS 'Structure: unreinforced_masonry, brick_concrete, prefab_hollow_core_slab, rc_frame, rc_shear_wall, steel, timber (empty = unknown, flagged).';
COMMENT ON COLUMN staging.buildings.year_built IS 'Year completed (impossible years are flagged';
COMMENT ON COLUMN staging.buildings.floors IS 'Storeys above ground.';
COMMENT ON COLUMN staging.buildings.height_m IS 'Height. [m]';
COMMENT ON COLUMN staging.buildings.use IS 'Main use.';
COMMENT ON COLUMN staging.buildings.occupancy IS 'Typical occupants. [persons]';
COMMENT ON COLUMN staging.buildings.fortification_intensity IS 'Seismic fortification intensity the building was designed for (0 = none).';
COMMENT ON COLUMN staging.buildings.max_span_m IS 'Largest clear span. [m]';
COMMENT ON COLUMN staging.buildings.glass_curtain_wall IS 'Has a glass curtain wall.';
COMMENT ON COLUMN staging.buildings.responsible_unit_id IS 'Property manager / responsible unit.';
COMMENT ON COLUMN staging.buildings.geometry IS 'Point from lon/lat (WGS84).';
COMMENT ON COLUMN staging.buildings.geom_m IS 'Geometry in EPSG:4551 (metres) for distances and buffers.';

CREATE TABLE IF NOT EXISTS staging.building_inspections (
    inspection_id VARCHAR,
    building_id VARCHAR,
    inspected_at TIMESTAMPTZ,
    grade VARCHAR,
    dangerous_members INTEGER,
    total_members INTEGER,
    inspector VARCHAR,
    valid BOOLEAN
);
COMMENT ON TABLE staging.building_inspections IS '房屋安全鉴定 Building safety inspections graded per JGJ 125-2016.';
COMMENT ON COLUMN staging.building_inspections.inspection_id IS 'Inspection code.';
COMMENT ON COLUMN staging.building_inspections.building_id IS 'Inspected building.';
COMMENT ON COLUMN staging.building_inspections.inspected_at IS 'Inspection date-time.';
COMMENT ON COLUMN staging.building_inspections.grade IS 'JGJ 125 whole-building danger grade.';
COMMENT ON COLUMN staging.building_inspections.dangerous_members IS 'Count of dangerous members (optional).';
COMMENT ON COLUMN staging.building_inspections.total_members IS 'Count of members assessed (optional).';
COMMENT ON COLUMN staging.building_inspections.inspector IS 'Inspection body.';
COMMENT ON COLUMN staging.building_inspections.valid IS 'False when the inspection was withdrawn.';

CREATE TABLE IF NOT EXISTS staging.building_retrofits (
    retrofit_id VARCHAR,
    building_id VARCHAR,
    completed_at TIMESTAMPTZ,
    kind VARCHAR,
    new_fortification_intensity INTEGER
);
COMMENT ON TABLE staging.building_retrofits IS '加固改造 Completed retrofits, renovations and demolitions.';
COMMENT ON COLUMN staging.building_retrofits.retrofit_id IS 'Project code.';
COMMENT ON COLUMN staging.building_retrofits.building_id IS 'Building.';
COMMENT ON COLUMN staging.building_retrofits.completed_at IS 'Completion date.';
COMMENT ON COLUMN staging.building_retrofits.kind IS 'Kind of work.';
COMMENT ON COLUMN staging.building_retrofits.new_fortification_intensity IS 'Fortification intensity after a seismic retrofit.';

CREATE TABLE IF NOT EXISTS staging.hazardous_facilities (
    facility_id VARCHAR,
    name VARCHAR,
    kind VARCHAR,
    district_id VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    substance VARCHAR,
    stored_tonnes DOUBLE,
    threshold_tonnes DOUBLE,
    responsible_unit_id VARCHAR,
    geometry GEOMETRY,
    geom_m GEOMETRY
);
COMMENT ON TABLE staging.hazardous_facilities IS '危险源 Hazardous-chemical stores, gas and LPG stations.';
COMMENT ON COLUMN staging.hazardous_facilities.facility_id IS 'Facility code.';
COMMENT ON COLUMN staging.hazardous_facilities.name IS 'Facility name (Chinese).';
COMMENT ON COLUMN staging.hazardous_facilities.kind IS 'Facility kind.';
COMMENT ON COLUMN staging.hazardous_facilities.district_id IS 'District.';
COMMENT ON COLUMN staging.hazardous_facilities.lon IS 'WGS84 longitude. [degree]';
COMMENT ON COLUMN staging.hazardous_facilities.lat IS 'WGS84 latitude. [degree]';
COMMENT ON COLUMN staging.hazardous_facilities.substance IS 'Main substance stored.';
COMMENT ON COLUMN staging.hazardous_facilities.stored_tonnes IS 'Maximum quantity stored. [t]';
COMMENT ON COLUMN staging.hazardous_facilities.threshold_tonnes IS 'GB 18218-2018 critical quantity for the substance. [t]';
COMMENT ON COLUMN staging.hazardous_facilities.responsible_unit_id IS 'Operator.';
COMMENT ON COLUMN staging.hazardous_facilities.geometry IS 'Point from lon/lat (WGS84).';
COMMENT ON COLUMN staging.hazardous_facilities.geom_m IS 'Geometry in EPSG:4551 (metres) for distances and buffers.';

CREATE TABLE IF NOT EXISTS staging.hazard_reports (
    report_id VARCHAR,
    reported_at TIMESTAMPTZ,
    domain VARCHAR,
    source_id VARCHAR,
    district_id VARCHAR,
    lon DOUBLE,
    lat DOUBLE,
    severity VARCHAR,
    description VARCHAR,
    reporter VARCHAR,
    geometry GEOMETRY,
    geom_m GEOMETRY
);
COMMENT ON TABLE staging.hazard_reports IS '隐患排查上报 Hidden-hazard field reports.';
COMMENT ON COLUMN staging.hazard_reports.report_id IS 'Report code.';
COMMENT ON COLUMN staging.hazard_reports.reported_at IS 'When found.';
COMMENT ON COLUMN staging.hazard_reports.domain IS 'Domain.';
COMMENT ON COLUMN staging.hazard_reports.source_id IS 'Related asset';
COMMENT ON COLUMN staging.hazard_reports.district_id IS 'District.';
COMMENT ON COLUMN staging.hazard_reports.lon IS 'WGS84 longitude. [degree]';
COMMENT ON COLUMN staging.hazard_reports.lat IS 'WGS84 latitude. [degree]';
COMMENT ON COLUMN staging.hazard_reports.severity IS '重大隐患 major / 一般隐患 general.';
COMMENT ON COLUMN staging.hazard_reports.description IS 'What was found (free text';
COMMENT ON COLUMN staging.hazard_reports.reporter IS 'Who reported.';
COMMENT ON COLUMN staging.hazard_reports.geometry IS 'Point from lon/lat (WGS84).';
COMMENT ON COLUMN staging.hazard_reports.geom_m IS 'Geometry in EPSG:4551 (metres) for distances and buffers.';

CREATE TABLE IF NOT EXISTS staging.hazard_updates (
    update_id VARCHAR,
    hazard_id VARCHAR,
    updated_at TIMESTAMPTZ,
    status VARCHAR,
    actor VARCHAR,
    responsible_unit_id VARCHAR,
    note VARCHAR
);
COMMENT ON TABLE staging.hazard_updates IS '隐患整改进度 Rectification updates for registered hazards.';
COMMENT ON COLUMN staging.hazard_updates.update_id IS 'Update code.';
COMMENT ON COLUMN staging.hazard_updates.hazard_id IS 'Hazard being updated (validated against the ledger';
COMMENT ON COLUMN staging.hazard_updates.updated_at IS 'When the step happened.';
COMMENT ON COLUMN staging.hazard_updates.status IS 'New lifecycle state.';
COMMENT ON COLUMN staging.hazard_updates.actor IS 'Who did it.';
COMMENT ON COLUMN staging.hazard_updates.responsible_unit_id IS 'Unit assigned (for ''assigned'').';
COMMENT ON COLUMN staging.hazard_updates.note IS 'Free text.';

CREATE TABLE IF NOT EXISTS staging.officer_decisions (
    decision_id VARCHAR,
    kind VARCHAR,
    target_id VARCHAR,
    decided_at TIMESTAMPTZ,
    officer VARCHAR,
    reason VARCHAR,
    new_level VARCHAR
);
COMMENT ON TABLE staging.officer_decisions IS '人工研判 Officers'' overrides, alarm acknowledgements and false-alarm dispositions.';
COMMENT ON COLUMN staging.officer_decisions.decision_id IS 'Decision code.';
COMMENT ON COLUMN staging.officer_decisions.kind IS 'Kind of decision.';
COMMENT ON COLUMN staging.officer_decisions.target_id IS 'Risk source id or alarm episode id.';
COMMENT ON COLUMN staging.officer_decisions.decided_at IS 'When decided.';
COMMENT ON COLUMN staging.officer_decisions.officer IS 'Who decided.';
COMMENT ON COLUMN staging.officer_decisions.reason IS 'Why.';
COMMENT ON COLUMN staging.officer_decisions.new_level IS 'Overridden level (level_override only).';
