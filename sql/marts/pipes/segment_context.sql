-- Context of every active pipe segment for the consequence score and the earthquake scenario.
-- Distances in metres on geom_m (EPSG:4551). Parameters: $facility_radius_m (schools, hospitals,
-- elderly care), $housing_radius_m (residential occupants), $lifeline_radius_m (other networks).
-- Read by pipelines/pipes/stage.py (a SELECT: nothing is written here).
WITH seg AS (
    SELECT *
    FROM staging.pipe_segments
    WHERE coalesce(lower(status), 'active') = 'active'
),
facilities AS (
    SELECT s.segment_id,
           count(*) FILTER (WHERE b.use = 'school') AS schools_nearby,
           count(*) FILTER (WHERE b.use = 'hospital') AS hospitals_nearby,
           count(*) FILTER (WHERE b.use = 'elderly_care') AS elderly_care_nearby
    FROM seg s
    JOIN staging.buildings b
      ON s.geom_m IS NOT NULL AND b.geom_m IS NOT NULL
     AND ST_DWithin(s.geom_m, b.geom_m, $facility_radius_m)
    WHERE b.use IN ('school', 'hospital', 'elderly_care')
    GROUP BY s.segment_id
),
housing AS (
    SELECT s.segment_id,
           sum(coalesce(b.occupancy, 0)) AS residents_nearby
    FROM seg s
    JOIN staging.buildings b
      ON s.geom_m IS NOT NULL AND b.geom_m IS NOT NULL
     AND ST_DWithin(s.geom_m, b.geom_m, $housing_radius_m)
    WHERE b.use IN ('residential', 'group_rental')
    GROUP BY s.segment_id
),
-- Join on ST_DWithin alone so DuckDB plans its spatial join; an `o.network <> s.network` join
-- condition turns the plan into a nested loop over every pair of segments. The network test is
-- applied in the aggregates instead, and segments with no other network nearby are dropped.
lifelines AS (
    SELECT segment_id, other_networks_nearby, other_network_names
    FROM (
        SELECT s.segment_id,
               count(DISTINCT o.network) FILTER (WHERE o.network <> s.network)
                   AS other_networks_nearby,
               string_agg(DISTINCT o.network, ',' ORDER BY o.network)
                   FILTER (WHERE o.network <> s.network) AS other_network_names
        FROM seg s
        JOIN seg o
          ON ST_DWithin(s.geom_m, o.geom_m, $lifeline_radius_m)
        WHERE s.geom_m IS NOT NULL AND o.geom_m IS NOT NULL
        GROUP BY s.segment_id
    )
    WHERE other_networks_nearby > 0
),
zone AS (
    SELECT s.segment_id,
           min(z.zone_id) AS zone_id
    FROM seg s
    JOIN staging.seismic_zones z
      ON s.geom_m IS NOT NULL AND z.geom_m IS NOT NULL
     AND ST_Intersects(z.geom_m, ST_PointOnSurface(s.geom_m))
    GROUP BY s.segment_id
)
SELECT s.segment_id, s.network, s.material, s.diameter_mm, s.install_year, s.length_m,
       s.pressure_class, s.customers_served, s.under_major_road, s.district_id,
       s.responsible_unit_id, s.status,
       ST_AsText(s.geometry) AS geometry_wkt,
       coalesce(f.schools_nearby, 0) AS schools_nearby,
       coalesce(f.hospitals_nearby, 0) AS hospitals_nearby,
       coalesce(f.elderly_care_nearby, 0) AS elderly_care_nearby,
       coalesce(h.residents_nearby, 0) AS residents_nearby,
       coalesce(l.other_networks_nearby, 0) AS other_networks_nearby,
       l.other_network_names,
       z.zone_id AS seismic_zone_id,
       sz.site_intensity, sz.pga_g, sz.liquefaction_susceptibility
FROM seg s
LEFT JOIN facilities f USING (segment_id)
LEFT JOIN housing h USING (segment_id)
LEFT JOIN lifelines l USING (segment_id)
LEFT JOIN zone z USING (segment_id)
LEFT JOIN staging.seismic_zones sz ON sz.zone_id = z.zone_id
ORDER BY s.segment_id;
