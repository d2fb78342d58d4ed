-- Level by the configured method, the domain model's level kept as a floor where config says so,
-- officers' overrides on top, and the register include rule.
CREATE OR REPLACE TEMP TABLE reg_overrides AS
WITH o AS (
    SELECT d.*, row_number() OVER (PARTITION BY target_id ORDER BY decided_at DESC, decision_id DESC) AS rn
    FROM reg_in_decisions AS d
    WHERE d.kind = 'level_override' AND d.new_level IS NOT NULL AND d.decided_at < $interval_end
      AND (CAST($override_days AS INTEGER) < 0
           OR d.decided_at >= $interval_end - to_days(CAST($override_days AS INTEGER)))
)
SELECT target_id, decision_id, officer, decided_at, reason, new_level
FROM o WHERE rn = 1;

CREATE OR REPLACE TEMP TABLE reg_assessed AS
WITH m AS (
    SELECT f.*,
           mx.level AS matrix_level,
           lv.value * coalesce(e.exposure, 1) * cv.value AS lec_d
    FROM reg_facts AS f
    LEFT JOIN reg_matrix AS mx ON mx.likelihood = f.likelihood AND mx.consequence = f.consequence
    LEFT JOIN (SELECT score, value FROM reg_lec_value WHERE axis = 'likelihood') AS lv ON lv.score = f.likelihood
    LEFT JOIN (SELECT score, value FROM reg_lec_value WHERE axis = 'consequence') AS cv ON cv.score = f.consequence
    LEFT JOIN reg_exposure AS e ON e.domain = f.domain
),
leveled AS (
    SELECT m.*,
           CASE WHEN $method = 'lec'
                THEN (SELECT arg_min(b.level, b.ord) FROM reg_lec_band AS b
                      WHERE (b.strict AND m.lec_d > b.threshold) OR (NOT b.strict AND m.lec_d >= b.threshold))
                ELSE m.matrix_level END AS method_level,
           CASE WHEN $method = 'lec' THEN m.lec_d ELSE CAST(m.likelihood * m.consequence AS DOUBLE) END AS score
    FROM m
),
computed AS (
    SELECT l.*,
           CASE WHEN t.respect_source_level AND ls.rnk > lm.rnk THEN l.source_level
                ELSE l.method_level END AS computed_level,
           (t.respect_source_level AND ls.rnk > lm.rnk) AS floored,
           t.top_n
    FROM leveled AS l
    JOIN reg_type_cfg AS t ON t.source_type = l.source_type
    LEFT JOIN reg_level AS lm ON lm.level = l.method_level
    LEFT JOIN reg_level AS ls ON ls.level = l.source_level
),
ranked AS (
    SELECT c.*, o.new_level AS override_level, o.officer AS override_by, o.decided_at AS override_at,
           o.reason AS override_reason, o.decision_id AS override_decision_id,
           coalesce(o.new_level, c.computed_level) AS risk_level,
           row_number() OVER (PARTITION BY c.source_type, c.domain ORDER BY c.score DESC, c.risk_source_id) AS type_rank
    FROM computed AS c
    LEFT JOIN reg_overrides AS o ON o.target_id = c.risk_source_id
)
SELECT r.*,
       CASE WHEN r.override_level IS NOT NULL THEN 'override'
            WHEN r.computed_level IN (SELECT level FROM reg_include WHERE source_type = r.source_type) THEN 'level'
            WHEN r.grade IS NOT NULL AND r.grade IN (SELECT grade FROM reg_include_grade WHERE source_type = r.source_type) THEN 'grade'
            WHEN r.top_n > 0 AND r.type_rank <= r.top_n THEN 'top_n'
       END AS include_reason
FROM ranked AS r;
