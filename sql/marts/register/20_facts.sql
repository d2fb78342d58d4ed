-- Every risk source of the as_of_date on the common 1-5 likelihood / consequence scale, with the
-- band reasons. Inputs are reg_in_* views (a missing mart or staging table is an empty stand-in)
-- and the rule tables reg_* loaded from config/risk_matrix.yaml.
CREATE OR REPLACE TEMP TABLE reg_facts (
    risk_source_id VARCHAR, domain VARCHAR, source_type VARCHAR, source_name VARCHAR,
    likelihood INTEGER, consequence INTEGER, source_level VARCHAR, grade VARCHAR,
    drivers VARCHAR, responsible_unit VARCHAR, district_id VARCHAR, lon DOUBLE, lat DOUBLE,
    officer_notes VARCHAR
);

-- Pipes: breaks per km per year and consequence points banded.
INSERT INTO reg_facts
SELECT p.segment_id, p.network, 'pipe_segment',
       concat_ws(' ', p.network, p.material, 'DN' || CAST(round(p.diameter_mm) AS INTEGER)),
       coalesce(bl.score, 1), coalesce(bc.score, 1), p.risk_level, NULL,
       concat_ws('; ',
           CASE WHEN p.likelihood_per_km_year IS NULL THEN '失效率未知 / likelihood unknown -> L1'
                ELSE format('失效率 {:.3f} 次/km·年 -> L{} ({})', p.likelihood_per_km_year, bl.score, bl.reason) END,
           CASE WHEN p.consequence_score IS NULL THEN '后果分未知 / consequence unknown -> C1'
                ELSE format('后果分 {:.0f} -> C{} ({})', p.consequence_score, bc.score, bc.reason) END,
           p.drivers),
       p.responsible_unit_id, p.district_id,
       CASE WHEN p.geometry IS NOT NULL THEN ST_X(ST_Centroid(p.geometry)) END,
       CASE WHEN p.geometry IS NOT NULL THEN ST_Y(ST_Centroid(p.geometry)) END,
       NULL
FROM (SELECT * FROM reg_in_pipe_risk WHERE as_of_date = $as_of_date) AS p
ASOF LEFT JOIN (SELECT lo, score, reason FROM reg_band WHERE scale = 'pipe_likelihood') AS bl
  ON p.likelihood_per_km_year >= bl.lo
ASOF LEFT JOIN (SELECT lo AS clo, score, reason FROM reg_band WHERE scale = 'pipe_consequence') AS bc
  ON p.consequence_score >= bc.clo;

-- Buildings: the building model already scores 1-5; its level (with JGJ 125 grade floors) is kept.
INSERT INTO reg_facts
SELECT b.building_id, 'building', 'building', b.name,
       b.likelihood, b.consequence, b.risk_level, b.latest_grade,
       format('房屋模型 L{} C{} -> {}; {}', b.likelihood, b.consequence, b.risk_level, b.drivers),
       b.responsible_unit_id, b.district_id, b.lon, b.lat, NULL
FROM reg_in_building_risk AS b
WHERE b.as_of_date = $as_of_date;

-- Monitored lifeline assets: alarm episodes in the window (false alarms left out).
INSERT INTO reg_facts
WITH false_alarms AS (
    SELECT DISTINCT episode_id FROM reg_alarm_dec WHERE kind = 'false_alarm' AND episode_id IS NOT NULL
),
ep AS (
    SELECT a.*, coalesce(a.asset_id, a.sensor_id) AS src,
           CASE a.grade WHEN 'I' THEN 3 WHEN 'II' THEN 2 ELSE 1 END AS g_rank,
           (a.closed_at IS NULL OR a.closed_at >= $interval_end) AS open_at_end
    FROM reg_in_alarms AS a
    WHERE a.opened_at < $interval_end
      AND (a.closed_at IS NULL OR a.closed_at > $interval_end - to_days(CAST($window_days AS INTEGER)))
      AND a.episode_id NOT IN (SELECT episode_id FROM false_alarms)
),
notes AS (
    SELECT coalesce(a.asset_id, a.sensor_id) AS src,
           string_agg(format('{} {} {} ({}): {}',
                   CASE d.kind WHEN 'false_alarm' THEN '误报处置 false alarm' ELSE '报警确认 acknowledged' END,
                   d.officer, strftime(d.decided_at, '%Y-%m-%d %H:%M'), d.target_id, d.reason),
               '; ' ORDER BY d.decided_at, d.decision_id) AS notes
    FROM reg_alarm_dec AS d
    JOIN reg_in_alarms AS a ON a.episode_id = d.episode_id
    GROUP BY 1
),
agg AS (
    SELECT src,
           arg_max(domain, g_rank) AS domain,
           count(*) AS n,
           max(g_rank) AS worst,
           max(CASE WHEN open_at_end THEN g_rank END) AS worst_open,
           count(*) FILTER (WHERE open_at_end) AS n_open,
           arg_max(measure, opened_at) AS measure,
           arg_max(district_id, opened_at) AS district_id,
           arg_max(lon, opened_at) AS lon,
           arg_max(lat, opened_at) AS lat,
           arg_max(coalesce(reason, '') || coalesce('; ' || compound_reason, ''), g_rank * 1e13 + epoch(opened_at)) AS worst_reason
    FROM ep
    GROUP BY src
),
scored AS (
    SELECT a.*,
           CASE a.worst WHEN 3 THEN 'I' WHEN 2 THEN 'II' ELSE 'III' END AS worst_grade,
           CASE a.worst_open WHEN 3 THEN 'I' WHEN 2 THEN 'II' WHEN 1 THEN 'III' END AS open_grade
    FROM agg AS a
)
SELECT 'LL:' || s.src, s.domain, 'monitored_asset', concat_ws(' ', s.domain, s.measure, s.src),
       greatest(coalesce(bl.score, 1), coalesce(fl.score, 0)),
       coalesce(cg.score, 3), NULL, s.worst_grade,
       concat_ws('; ',
           format('近{}天报警 {} 次 -> L{} ({})', CAST($window_days AS INTEGER), s.n, bl.score, bl.reason),
           CASE WHEN s.n_open > 0 THEN format('{} 次报警仍未解除，最高{}级 -> L至少{} / open at day end',
                s.n_open, s.open_grade, fl.score) END,
           format('最高报警等级 {}级 -> C{}', s.worst_grade, cg.score),
           nullif(s.worst_reason, '')),
       (SELECT arg_min(u.unit_id, CASE WHEN u.district_id = s.district_id THEN 0 ELSE 1 END)
        FROM reg_in_units AS u
        WHERE u.domain = s.domain AND (u.district_id = s.district_id OR u.district_id IS NULL)),
       s.district_id, s.lon, s.lat, n.notes
FROM scored AS s
ASOF LEFT JOIN (SELECT lo, score, reason FROM reg_band WHERE scale = 'alarm_count') AS bl ON s.n >= bl.lo
LEFT JOIN (SELECT grade, score FROM reg_grade_score WHERE axis = 'open_floor') AS fl ON fl.grade = s.open_grade
LEFT JOIN (SELECT grade, score FROM reg_grade_score WHERE axis = 'consequence') AS cg ON cg.grade = s.worst_grade
LEFT JOIN notes AS n ON n.src = s.src;

-- Hazardous facilities: kind -> likelihood, q = stored / critical quantity (GB 18218-2018) -> consequence.
INSERT INTO reg_facts
WITH f AS (
    SELECT *, CASE WHEN threshold_tonnes > 0 AND stored_tonnes IS NOT NULL
                   THEN stored_tonnes / threshold_tonnes END AS q
    FROM reg_in_facilities
)
SELECT f.facility_id, 'hazardous_facility', 'hazardous_facility', f.name,
       coalesce(k.score, CAST($facility_default_l AS INTEGER)),
       coalesce(bc.score, CAST($facility_unknown_c AS INTEGER)), NULL, NULL,
       concat_ws('; ',
           format('类型 {} -> L{}', f.kind, coalesce(k.score, CAST($facility_default_l AS INTEGER))),
           CASE WHEN f.q IS NULL THEN format('储量或临界量未知 / quantity unknown -> C{}', CAST($facility_unknown_c AS INTEGER))
                ELSE format('{} 储量 {:.2f} t / 临界量 {:.2f} t, q = {:.2f} -> C{} ({})', coalesce(f.substance, '?'),
                            f.stored_tonnes, f.threshold_tonnes, f.q, bc.score, bc.reason) END),
       f.responsible_unit_id, f.district_id, f.lon, f.lat, NULL
FROM f
ASOF LEFT JOIN (SELECT lo, score, reason FROM reg_band WHERE scale = 'facility_ratio') AS bc ON f.q >= bc.lo
LEFT JOIN reg_kind_score AS k ON k.kind = f.kind;
