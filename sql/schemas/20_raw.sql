-- GENERATED from config/contracts.yaml by `python -m pipelines.ingest.ddl`; do not edit.
-- raw.<source>: contract columns, typed, plus load metadata (_file, _line); checksum,
-- run and load time of a row's file are in audit.load_manifest (status = 'loaded').
CREATE TABLE IF NOT EXISTS raw.districts (
    district_id VARCHAR,
    name_zh VARCHAR,
    name_en VARCHAR,
    population BIGINT,
    area_km2 DOUBLE,
    geometry GEOMETRY,
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.districts IS 'Raw rows of landing source districts that passed its contract: 行政区 Administrative districts with outlines and resident population. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.districts.district_id IS 'District code (GB/T 2260 style).';
COMMENT ON COLUMN raw.districts.name_zh IS 'District name in Chinese.';
COMMENT ON COLUMN raw.districts.name_en IS 'District name in pinyin/English.';
COMMENT ON COLUMN raw.districts.population IS 'Resident population. [persons]';
COMMENT ON COLUMN raw.districts.area_km2 IS 'Land area. [km2]';
COMMENT ON COLUMN raw.districts.geometry IS 'District outline (WGS84 polygon).';
COMMENT ON COLUMN raw.districts._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.districts._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.dmas (
    dma_id VARCHAR,
    district_id VARCHAR,
    name VARCHAR,
    mains_length_km DOUBLE,
    service_connections INTEGER,
    private_pipe_km DOUBLE,
    avg_pressure_m DOUBLE,
    geometry GEOMETRY,
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.dmas IS 'Raw rows of landing source dmas that passed its contract: 计量分区 District metered areas of the water network. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.dmas.dma_id IS 'DMA code.';
COMMENT ON COLUMN raw.dmas.district_id IS 'District the DMA lies in.';
COMMENT ON COLUMN raw.dmas.name IS 'DMA name.';
COMMENT ON COLUMN raw.dmas.mains_length_km IS 'Length of mains (Lm in UARL). [km]';
COMMENT ON COLUMN raw.dmas.service_connections IS 'Number of service connections (Nc in UARL).';
COMMENT ON COLUMN raw.dmas.private_pipe_km IS 'Length of private service pipe (Lp in UARL). [km]';
COMMENT ON COLUMN raw.dmas.avg_pressure_m IS 'Average operating pressure (P in UARL). [m]';
COMMENT ON COLUMN raw.dmas.geometry IS 'DMA boundary (WGS84 polygon).';
COMMENT ON COLUMN raw.dmas._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.dmas._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.seismic_zones (
    zone_id VARCHAR,
    district_id VARCHAR,
    site_intensity INTEGER,
    pga_g DOUBLE,
    liquefaction_susceptibility VARCHAR,
    geometry GEOMETRY,
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.seismic_zones IS 'Raw rows of landing source seismic_zones that passed its contract: 地震区划 Seismic and liquefaction zoning (GB 18306-2015 site intensity). Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.seismic_zones.zone_id IS 'Zone code.';
COMMENT ON COLUMN raw.seismic_zones.district_id IS 'District the zone mostly lies in.';
COMMENT ON COLUMN raw.seismic_zones.site_intensity IS 'Basic seismic intensity (degree).';
COMMENT ON COLUMN raw.seismic_zones.pga_g IS 'Design peak ground acceleration. [g]';
COMMENT ON COLUMN raw.seismic_zones.liquefaction_susceptibility IS 'Hazus liquefaction susceptibility class.';
COMMENT ON COLUMN raw.seismic_zones.geometry IS 'Zone outline (WGS84 polygon).';
COMMENT ON COLUMN raw.seismic_zones._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.seismic_zones._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.responsible_units (
    unit_id VARCHAR,
    name_zh VARCHAR,
    domain VARCHAR,
    district_id VARCHAR,
    contact VARCHAR,
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.responsible_units IS 'Raw rows of landing source responsible_units that passed its contract: 责任单位 Asset owners and responsible units (utilities, district offices). Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.responsible_units.unit_id IS 'Unit code.';
COMMENT ON COLUMN raw.responsible_units.name_zh IS 'Unit name in Chinese.';
COMMENT ON COLUMN raw.responsible_units.domain IS 'Domain the unit answers for.';
COMMENT ON COLUMN raw.responsible_units.district_id IS 'District served (empty for city-wide units).';
COMMENT ON COLUMN raw.responsible_units.contact IS 'Duty phone or contact person.';
COMMENT ON COLUMN raw.responsible_units._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.responsible_units._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.sensors (
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
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.sensors IS 'Raw rows of landing source sensors that passed its contract: 传感器台账 Lifeline sensor registry. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.sensors.sensor_id IS 'Sensor code.';
COMMENT ON COLUMN raw.sensors.domain IS 'Lifeline domain.';
COMMENT ON COLUMN raw.sensors.measure IS 'What is measured (see config/measures.yaml).';
COMMENT ON COLUMN raw.sensors.unit IS 'Unit of the readings (must match config/measures.yaml).';
COMMENT ON COLUMN raw.sensors.location_type IS 'Where the sensor sits (methane thresholds differ by space).';
COMMENT ON COLUMN raw.sensors.asset_id IS 'Monitored asset (pipe segment';
COMMENT ON COLUMN raw.sensors.dma_id IS 'DMA for water sensors.';
COMMENT ON COLUMN raw.sensors.district_id IS 'District.';
COMMENT ON COLUMN raw.sensors.lon IS 'WGS84 longitude. [degree]';
COMMENT ON COLUMN raw.sensors.lat IS 'WGS84 latitude. [degree]';
COMMENT ON COLUMN raw.sensors.depth_m IS 'Depth of manhole/pipe for level sensors. [m]';
COMMENT ON COLUMN raw.sensors.pressure_class IS 'Gas pressure class (low';
COMMENT ON COLUMN raw.sensors.nominal_value IS 'Design operating value (service pressure target';
COMMENT ON COLUMN raw.sensors.sampling_interval_s IS 'Expected interval between readings. [s]';
COMMENT ON COLUMN raw.sensors.installed_on IS 'Installation date.';
COMMENT ON COLUMN raw.sensors._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.sensors._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.readings (
    sensor_id VARCHAR,
    measured_at TIMESTAMPTZ,
    value DOUBLE,
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.readings IS 'Raw rows of landing source readings that passed its contract: 监测数据 Sensor readings of all lifeline domains (one file per domain and day). Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.readings.sensor_id IS 'Sensor code.';
COMMENT ON COLUMN raw.readings.measured_at IS 'Time of measurement (ISO 8601 with offset).';
COMMENT ON COLUMN raw.readings.value IS 'Reading in the sensor''s unit.';
COMMENT ON COLUMN raw.readings._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.readings._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.pipe_segments (
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
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.pipe_segments IS 'Raw rows of landing source pipe_segments that passed its contract: 管段台账 Pipe segments of water, gas, heating and drainage networks. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.pipe_segments.segment_id IS 'Segment code.';
COMMENT ON COLUMN raw.pipe_segments.network IS 'Network.';
COMMENT ON COLUMN raw.pipe_segments.material IS 'Pipe material code (CI';
COMMENT ON COLUMN raw.pipe_segments.diameter_mm IS 'Nominal diameter. [mm]';
COMMENT ON COLUMN raw.pipe_segments.install_year IS 'Year laid.';
COMMENT ON COLUMN raw.pipe_segments.length_m IS 'Segment length. [m]';
COMMENT ON COLUMN raw.pipe_segments.pressure_class IS 'Pressure class (gas low/medium_b/medium_a/high_b; water/heating PN; drainage gravity).';
COMMENT ON COLUMN raw.pipe_segments.customers_served IS 'Customers downstream (where known).';
COMMENT ON COLUMN raw.pipe_segments.under_major_road IS 'Runs under a traffic corridor.';
COMMENT ON COLUMN raw.pipe_segments.district_id IS 'District.';
COMMENT ON COLUMN raw.pipe_segments.dma_id IS 'DMA for water mains.';
COMMENT ON COLUMN raw.pipe_segments.responsible_unit_id IS 'Owner / responsible unit.';
COMMENT ON COLUMN raw.pipe_segments.status IS 'In service or abandoned.';
COMMENT ON COLUMN raw.pipe_segments.geometry IS 'Centre line (WGS84 line string); needed for maps and proximity';
COMMENT ON COLUMN raw.pipe_segments._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.pipe_segments._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.pipe_breaks (
    break_id VARCHAR,
    segment_id VARCHAR,
    occurred_at TIMESTAMPTZ,
    failure_type VARCHAR,
    repaired_at TIMESTAMPTZ,
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.pipe_breaks IS 'Raw rows of landing source pipe_breaks that passed its contract: 管网事故 Break and leak history of pipe segments. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.pipe_breaks.break_id IS 'Incident code.';
COMMENT ON COLUMN raw.pipe_breaks.segment_id IS 'Failed segment.';
COMMENT ON COLUMN raw.pipe_breaks.occurred_at IS 'When the failure was reported.';
COMMENT ON COLUMN raw.pipe_breaks.failure_type IS 'Failure mode.';
COMMENT ON COLUMN raw.pipe_breaks.repaired_at IS 'When service was restored.';
COMMENT ON COLUMN raw.pipe_breaks._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.pipe_breaks._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.buildings (
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
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.buildings IS 'Raw rows of landing source buildings that passed its contract: 房屋台账 Building registry. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.buildings.building_id IS 'Building code.';
COMMENT ON COLUMN raw.buildings.name IS 'Building or estate name (Chinese).';
COMMENT ON COLUMN raw.buildings.address IS 'Street address (Chinese).';
COMMENT ON COLUMN raw.buildings.district_id IS 'District.';
COMMENT ON COLUMN raw.buildings.lon IS 'WGS84 longitude. [degree]';
COMMENT ON COLUMN raw.buildings.lat IS 'WGS84 latitude. [degree]';
COMMENT ON COLUMN raw.buildings.structure_type IS 'Structure: unreinforced_masonry, brick_concrete, prefab_hollow_core_slab, rc_frame, rc_shear_wall, steel, timber (empty = unknown, flagged).';
COMMENT ON COLUMN raw.buildings.year_built IS 'Year completed (impossible years are flagged';
COMMENT ON COLUMN raw.buildings.floors IS 'Storeys above ground.';
COMMENT ON COLUMN raw.buildings.height_m IS 'Height. [m]';
COMMENT ON COLUMN raw.buildings.use IS 'Main use.';
COMMENT ON COLUMN raw.buildings.occupancy IS 'Typical occupants. [persons]';
COMMENT ON COLUMN raw.buildings.fortification_intensity IS 'Seismic fortification intensity the building was designed for (0 = none).';
COMMENT ON COLUMN raw.buildings.max_span_m IS 'Largest clear span. [m]';
COMMENT ON COLUMN raw.buildings.glass_curtain_wall IS 'Has a glass curtain wall.';
COMMENT ON COLUMN raw.buildings.responsible_unit_id IS 'Property manager / responsible unit.';
COMMENT ON COLUMN raw.buildings._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.buildings._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.building_inspections (
    inspection_id VARCHAR,
    building_id VARCHAR,
    inspected_at TIMESTAMPTZ,
    grade VARCHAR,
    dangerous_members INTEGER,
    total_members INTEGER,
    inspector VARCHAR,
    valid BOOLEAN,
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.building_inspections IS 'Raw rows of landing source building_inspections that passed its contract: 房屋安全鉴定 Building safety inspections graded per JGJ 125-2016. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.building_inspections.inspection_id IS 'Inspection code.';
COMMENT ON COLUMN raw.building_inspections.building_id IS 'Inspected building.';
COMMENT ON COLUMN raw.building_inspections.inspected_at IS 'Inspection date-time.';
COMMENT ON COLUMN raw.building_inspections.grade IS 'JGJ 125 whole-building danger grade.';
COMMENT ON COLUMN raw.building_inspections.dangerous_members IS 'Count of dangerous members (optional).';
COMMENT ON COLUMN raw.building_inspections.total_members IS 'Count of members assessed (optional).';
COMMENT ON COLUMN raw.building_inspections.inspector IS 'Inspection body.';
COMMENT ON COLUMN raw.building_inspections.valid IS 'False when the inspection was withdrawn.';
COMMENT ON COLUMN raw.building_inspections._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.building_inspections._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.building_retrofits (
    retrofit_id VARCHAR,
    building_id VARCHAR,
    completed_at TIMESTAMPTZ,
    kind VARCHAR,
    new_fortification_intensity INTEGER,
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.building_retrofits IS 'Raw rows of landing source building_retrofits that passed its contract: 加固改造 Completed retrofits, renovations and demolitions. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.building_retrofits.retrofit_id IS 'Project code.';
COMMENT ON COLUMN raw.building_retrofits.building_id IS 'Building.';
COMMENT ON COLUMN raw.building_retrofits.completed_at IS 'Completion date.';
COMMENT ON COLUMN raw.building_retrofits.kind IS 'Kind of work.';
COMMENT ON COLUMN raw.building_retrofits.new_fortification_intensity IS 'Fortification intensity after a seismic retrofit.';
COMMENT ON COLUMN raw.building_retrofits._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.building_retrofits._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.hazardous_facilities (
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
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.hazardous_facilities IS 'Raw rows of landing source hazardous_facilities that passed its contract: 危险源 Hazardous-chemical stores, gas and LPG stations. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.hazardous_facilities.facility_id IS 'Facility code.';
COMMENT ON COLUMN raw.hazardous_facilities.name IS 'Facility name (Chinese).';
COMMENT ON COLUMN raw.hazardous_facilities.kind IS 'Facility kind.';
COMMENT ON COLUMN raw.hazardous_facilities.district_id IS 'District.';
COMMENT ON COLUMN raw.hazardous_facilities.lon IS 'WGS84 longitude. [degree]';
COMMENT ON COLUMN raw.hazardous_facilities.lat IS 'WGS84 latitude. [degree]';
COMMENT ON COLUMN raw.hazardous_facilities.substance IS 'Main substance stored.';
COMMENT ON COLUMN raw.hazardous_facilities.stored_tonnes IS 'Maximum quantity stored. [t]';
COMMENT ON COLUMN raw.hazardous_facilities.threshold_tonnes IS 'GB 18218-2018 critical quantity for the substance. [t]';
COMMENT ON COLUMN raw.hazardous_facilities.responsible_unit_id IS 'Operator.';
COMMENT ON COLUMN raw.hazardous_facilities._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.hazardous_facilities._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.hazard_reports (
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
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.hazard_reports IS 'Raw rows of landing source hazard_reports that passed its contract: 隐患排查上报 Hidden-hazard field reports. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.hazard_reports.report_id IS 'Report code.';
COMMENT ON COLUMN raw.hazard_reports.reported_at IS 'When found.';
COMMENT ON COLUMN raw.hazard_reports.domain IS 'Domain.';
COMMENT ON COLUMN raw.hazard_reports.source_id IS 'Related asset';
COMMENT ON COLUMN raw.hazard_reports.district_id IS 'District.';
COMMENT ON COLUMN raw.hazard_reports.lon IS 'WGS84 longitude. [degree]';
COMMENT ON COLUMN raw.hazard_reports.lat IS 'WGS84 latitude. [degree]';
COMMENT ON COLUMN raw.hazard_reports.severity IS '重大隐患 major / 一般隐患 general.';
COMMENT ON COLUMN raw.hazard_reports.description IS 'What was found (free text';
COMMENT ON COLUMN raw.hazard_reports.reporter IS 'Who reported.';
COMMENT ON COLUMN raw.hazard_reports._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.hazard_reports._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.hazard_updates (
    update_id VARCHAR,
    hazard_id VARCHAR,
    updated_at TIMESTAMPTZ,
    status VARCHAR,
    actor VARCHAR,
    responsible_unit_id VARCHAR,
    note VARCHAR,
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.hazard_updates IS 'Raw rows of landing source hazard_updates that passed its contract: 隐患整改进度 Rectification updates for registered hazards. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.hazard_updates.update_id IS 'Update code.';
COMMENT ON COLUMN raw.hazard_updates.hazard_id IS 'Hazard being updated (validated against the ledger';
COMMENT ON COLUMN raw.hazard_updates.updated_at IS 'When the step happened.';
COMMENT ON COLUMN raw.hazard_updates.status IS 'New lifecycle state.';
COMMENT ON COLUMN raw.hazard_updates.actor IS 'Who did it.';
COMMENT ON COLUMN raw.hazard_updates.responsible_unit_id IS 'Unit assigned (for ''assigned'').';
COMMENT ON COLUMN raw.hazard_updates.note IS 'Free text.';
COMMENT ON COLUMN raw.hazard_updates._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.hazard_updates._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';

CREATE TABLE IF NOT EXISTS raw.officer_decisions (
    decision_id VARCHAR,
    kind VARCHAR,
    target_id VARCHAR,
    decided_at TIMESTAMPTZ,
    officer VARCHAR,
    reason VARCHAR,
    new_level VARCHAR,
    _file VARCHAR,
    _line BIGINT
);
COMMENT ON TABLE raw.officer_decisions IS 'Raw rows of landing source officer_decisions that passed its contract: 人工研判 Officers'' overrides, alarm acknowledgements and false-alarm dispositions. Checksum, run and load time of each _file: audit.load_manifest (status loaded).';
COMMENT ON COLUMN raw.officer_decisions.decision_id IS 'Decision code.';
COMMENT ON COLUMN raw.officer_decisions.kind IS 'Kind of decision.';
COMMENT ON COLUMN raw.officer_decisions.target_id IS 'Risk source id or alarm episode id.';
COMMENT ON COLUMN raw.officer_decisions.decided_at IS 'When decided.';
COMMENT ON COLUMN raw.officer_decisions.officer IS 'Who decided.';
COMMENT ON COLUMN raw.officer_decisions.reason IS 'Why.';
COMMENT ON COLUMN raw.officer_decisions.new_level IS 'Overridden level (level_override only).';
COMMENT ON COLUMN raw.officer_decisions._file IS 'Landing file the row came from (relative to landing/, or absolute for mapped exports).';
COMMENT ON COLUMN raw.officer_decisions._line IS '1-based physical line in the file (header = line 1); row number for Parquet, feature number for GeoJSON.';
