-- PostgreSQL twin of ../0040_sql_functions.sql. Staff search's tdkt_match in SQL, the same
-- ranks as domain.search.match_rank (folding: lower case, no accents, ASCII, single spaces).
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE FUNCTION tdkt_fold(value text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT regexp_replace(btrim(regexp_replace(
        lower(unaccent(replace(replace(coalesce(value, ''), 'đ', 'd'), 'Đ', 'D'))),
        '[^\x01-\x7f]', '', 'g')), '\s+', ' ', 'g')
$$;

CREATE FUNCTION tdkt_match(nominee text, unit text, code text, query text) RETURNS bigint
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    name text := tdkt_fold(nominee);
    place text := tdkt_fold(unit);
    number text := lower(coalesce(code, ''));
    haystack text := name || ' ' || place || ' ' || number;
    word text;
BEGIN
    IF query IS NULL OR query = '' THEN
        RETURN NULL;
    END IF;
    FOREACH word IN ARRAY regexp_split_to_array(btrim(query), '\s+') LOOP
        IF word <> '' AND strpos(haystack, word) = 0 THEN
            RETURN NULL;
        END IF;
    END LOOP;
    RETURN CASE
        WHEN number = query THEN 0
        WHEN strpos(number, query) > 0 THEN 1
        WHEN name = query THEN 2
        WHEN left(name, length(query)) = query THEN 3
        WHEN strpos(name, query) > 0 THEN 4
        WHEN strpos(place, query) > 0 THEN 5
        ELSE 6
    END;
END
$$;

-- SQLite's comparisons are 0/1 integers, so the repositories count with SUM(a = b);
-- PostgreSQL's are booleans, and this sum counts the true ones the same way.
CREATE FUNCTION tdkt_count_true(total bigint, value boolean) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT total + CASE WHEN value THEN 1 ELSE 0 END
$$;

CREATE AGGREGATE sum(boolean) (SFUNC = tdkt_count_true, STYPE = bigint, INITCOND = '0');

-- SQLite's date(day, '+N day'), as the reminder sweep writes it (ISO dates as text).
CREATE FUNCTION date(day text, modifier text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_char(day::date + (modifier)::interval, 'YYYY-MM-DD')
$$;

-- SQLite's strftime('%d/%m/%Y', day) for the formats the bot uses (%d %m %Y %H %M).
CREATE FUNCTION strftime(format text, day text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT to_char(day::timestamp, replace(replace(replace(replace(replace(
        format, '%d', 'DD'), '%m', 'MM'), '%Y', 'YYYY'), '%H', 'HH24'), '%M', 'MI'))
$$;

-- SQLite's json_object('key', value) with one pair: JSON text.
CREATE FUNCTION json_object(key text, value text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT json_build_object(key, value)::text
$$;
