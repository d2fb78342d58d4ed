-- Per-building facts as of $as_of_date (temp tables, read by pipelines/buildings/stage.py).
-- Inspections and works count when their local date is on or before $as_of_date.
CREATE OR REPLACE TEMP TABLE bld_inspections AS
SELECT
    i.inspection_id,
    i.building_id,
    i.inspected_at,
    CAST(timezone('Asia/Shanghai', i.inspected_at) AS DATE) AS inspected_on,
    i.grade,
    i.dangerous_members,
    i.total_members,
    COALESCE(i.valid, TRUE) AS is_valid
FROM staging.building_inspections AS i
WHERE CAST(timezone('Asia/Shanghai', i.inspected_at) AS DATE) <= $as_of_date;

CREATE OR REPLACE TEMP TABLE bld_works AS
SELECT
    r.retrofit_id,
    r.building_id,
    r.completed_at,
    CAST(timezone('Asia/Shanghai', r.completed_at) AS DATE) AS completed_on,
    r.kind,
    r.new_fortification_intensity
FROM staging.building_retrofits AS r
WHERE CAST(timezone('Asia/Shanghai', r.completed_at) AS DATE) <= $as_of_date;

-- Works summary. A demolition without a new fortification intensity removes the building; with
-- one it is a rebuild (原拆原建): earlier inspections no longer describe what stands.
CREATE OR REPLACE TEMP TABLE bld_works_summary AS
SELECT
    building_id,
    max(completed_at) FILTER (WHERE kind = 'seismic_retrofit') AS last_seismic_retrofit_at,
    max(completed_at) FILTER (WHERE kind = 'prefab_governance') AS last_prefab_governance_at,
    max(completed_at) FILTER (WHERE kind = 'renovation') AS last_renovation_at,
    max(completed_at) FILTER (WHERE kind = 'demolition') AS last_demolition_at,
    arg_max(new_fortification_intensity, completed_at) FILTER (
        WHERE kind IN ('seismic_retrofit', 'demolition') AND new_fortification_intensity IS NOT NULL
    ) AS new_fortification_intensity,
    coalesce(arg_max(new_fortification_intensity IS NULL, completed_at) FILTER (WHERE kind = 'demolition'), FALSE)
        AS demolished,
    max(completed_at) FILTER (WHERE kind IN ('seismic_retrofit', 'renovation', 'prefab_governance', 'demolition'))
        AS last_structural_work_at
FROM bld_works
GROUP BY building_id;

-- Valid inspections that describe the standing building (after any rebuild).
CREATE OR REPLACE TEMP TABLE bld_valid_inspections AS
SELECT i.*
FROM bld_inspections AS i
LEFT JOIN bld_works_summary AS w USING (building_id)
WHERE i.is_valid AND (w.last_demolition_at IS NULL OR i.inspected_at > w.last_demolition_at);

CREATE OR REPLACE TEMP TABLE bld_latest AS
SELECT
    building_id,
    grade AS latest_grade,
    inspected_at AS latest_inspected_at,
    inspected_on AS latest_inspected_on,
    CASE WHEN total_members > 0 THEN dangerous_members::DOUBLE / total_members END AS member_ratio
FROM bld_valid_inspections
QUALIFY row_number() OVER (PARTITION BY building_id ORDER BY inspected_at DESC, inspection_id DESC) = 1;

CREATE OR REPLACE TEMP TABLE bld_history AS
SELECT
    building_id,
    string_agg(
        strftime(inspected_on, '%Y-%m-%d') || ' ' || grade || CASE WHEN is_valid THEN '' ELSE ' (withdrawn)' END,
        '; ' ORDER BY inspected_at, inspection_id
    ) AS grade_history,
    count(*) FILTER (WHERE is_valid)::INTEGER AS valid_inspections
FROM bld_inspections
GROUP BY building_id;

-- Contradicting grades: a dangerous grade followed by a safe one with no works in between.
CREATE OR REPLACE TEMP TABLE bld_contradictions AS
SELECT
    d.building_id,
    string_agg(
        d.grade || ' ' || strftime(d.inspected_on, '%Y-%m-%d') || ' -> ' || a.grade || ' '
            || strftime(a.inspected_on, '%Y-%m-%d'),
        ', ' ORDER BY d.inspected_at, a.inspected_at
    ) AS contradiction
FROM bld_valid_inspections AS d
JOIN bld_valid_inspections AS a
    ON a.building_id = d.building_id AND a.inspected_at > d.inspected_at
WHERE list_contains($contradiction_from, d.grade)
  AND list_contains($contradiction_to, a.grade)
  AND NOT EXISTS (
      SELECT 1
      FROM bld_works AS w
      WHERE w.building_id = d.building_id
        AND list_contains($clearing_works, w.kind)
        AND w.completed_at > d.inspected_at
        AND w.completed_at <= a.inspected_at
  )
GROUP BY d.building_id;

-- Site intensity: the zone containing the building, else the highest zone of its district.
CREATE OR REPLACE TEMP TABLE bld_site AS
WITH by_point AS (
    SELECT b.building_id, z.zone_id, z.site_intensity, z.pga_g
    FROM staging.buildings AS b
    JOIN staging.seismic_zones AS z ON ST_Contains(z.geom_m, b.geom_m)
    QUALIFY row_number() OVER (PARTITION BY b.building_id ORDER BY z.site_intensity DESC, z.zone_id) = 1
),
by_district AS (
    SELECT district_id, zone_id, site_intensity, pga_g
    FROM staging.seismic_zones
    WHERE district_id IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY district_id ORDER BY site_intensity DESC, zone_id) = 1
)
SELECT
    b.building_id,
    coalesce(p.zone_id, d.zone_id) AS zone_id,
    coalesce(p.site_intensity, d.site_intensity) AS site_intensity,
    CASE WHEN p.zone_id IS NOT NULL THEN p.pga_g ELSE d.pga_g END AS zone_pga_g,
    CASE WHEN p.zone_id IS NOT NULL THEN 'point_in_polygon' WHEN d.zone_id IS NOT NULL THEN 'district' END
        AS zone_match
FROM staging.buildings AS b
LEFT JOIN by_point AS p USING (building_id)
LEFT JOIN by_district AS d ON d.district_id = b.district_id;

CREATE OR REPLACE TEMP TABLE bld_features AS
SELECT
    b.building_id,
    b.name,
    b.district_id,
    b.structure_type,
    b.year_built,
    b.floors,
    b.height_m,
    b.use,
    b.occupancy,
    b.fortification_intensity AS registered_fortification,
    coalesce(w.new_fortification_intensity, b.fortification_intensity) AS fortification_intensity,
    b.max_span_m,
    b.glass_curtain_wall,
    b.responsible_unit_id,
    b.lon,
    b.lat,
    l.latest_grade,
    l.latest_inspected_at,
    l.latest_inspected_on,
    l.member_ratio,
    h.grade_history,
    coalesce(h.valid_inspections, 0) AS valid_inspections,
    c.contradiction,
    s.site_intensity,
    s.zone_pga_g,
    s.zone_match,
    w.last_seismic_retrofit_at,
    w.last_prefab_governance_at,
    w.last_renovation_at,
    w.last_demolition_at,
    w.last_structural_work_at,
    coalesce(w.demolished, FALSE) AS demolished
FROM staging.buildings AS b
LEFT JOIN bld_latest AS l USING (building_id)
LEFT JOIN bld_history AS h USING (building_id)
LEFT JOIN bld_contradictions AS c USING (building_id)
LEFT JOIN bld_site AS s USING (building_id)
LEFT JOIN bld_works_summary AS w USING (building_id)
ORDER BY b.building_id;
