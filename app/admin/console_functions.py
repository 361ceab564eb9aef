"""The functions a console query may call: an allow-list, one per backend.

Only functions that compute a value from their arguments are here. Anything that reads files,
signals other sessions, takes locks, sends notifications, changes settings or sequences, sleeps,
or runs a query given as text (`query_to_xml`) is absent, so it is refused by the parse check
(`sql_guard`) and, on SQLite, by the connection's authorizer as well. Keywords that sqlglot reads
as grammar (LEFT, REPLACE, CAST, EXISTS, ...) never reach this list.
"""

from __future__ import annotations


def _names(words: str) -> frozenset[str]:
    return frozenset(words.split())


_COMMON = _names(
    """
    abs avg coalesce count group_concat hex instr length like glob lower ltrim max min nullif
    round rtrim substr substring sum trim upper replace char format date datetime time
    row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value
    nth_value total typeof iif ifnull sign cast
    """
)

_POSTGRESQL = _names(
    """
    string_agg array_agg bool_and bool_or every json_agg jsonb_agg json_object_agg
    jsonb_object_agg percentile_cont percentile_disc mode stddev stddev_pop stddev_samp variance
    var_pop var_samp corr covar_pop covar_samp regr_slope
    initcap char_length character_length octet_length bit_length btrim lpad rpad split_part
    strpos position concat concat_ws reverse repeat translate regexp_replace regexp_match
    regexp_matches regexp_split_to_array regexp_split_to_table regexp_count regexp_like
    starts_with md5 sha256 ascii chr to_hex quote_ident quote_literal quote_nullable left right
    overlay encode decode convert_from
    ceil ceiling floor trunc mod power pow sqrt cbrt exp ln log log10 greatest least div
    width_bucket random gen_random_uuid
    now date_trunc date_part extract age to_char to_date to_timestamp to_number make_date
    make_time make_timestamp make_timestamptz make_interval justify_days justify_hours
    justify_interval clock_timestamp statement_timestamp transaction_timestamp timezone
    isfinite date_bin
    array_length array_position array_positions array_to_string string_to_array cardinality
    unnest array_remove array_append array_prepend array_cat array_lower array_upper
    generate_series generate_subscripts
    to_json to_jsonb row_to_json array_to_json json_build_object jsonb_build_object
    json_build_array jsonb_build_array jsonb_pretty json_typeof jsonb_typeof json_array_length
    jsonb_array_length json_extract_path json_extract_path_text jsonb_extract_path
    jsonb_extract_path_text json_each jsonb_each json_each_text jsonb_each_text
    json_object_keys jsonb_object_keys json_array_elements jsonb_array_elements
    jsonb_array_elements_text json_array_elements_text
    pg_typeof num_nonnulls num_nulls
    """
)

_SQLITE = _names(
    """
    printf strftime julianday unixepoch quote unicode zeroblob randomblob random likely
    unlikely likelihood soundex
    json json_array json_array_length json_extract json_insert json_object json_patch
    json_quote json_type json_valid json_group_array json_group_object json_each json_tree
    -> ->>
    ceil ceiling floor trunc mod power pow sqrt exp ln log log2 log10 pi
    """
)


def allowed_functions(backend: str) -> frozenset[str]:
    """Lower-case names a console query may call on `backend` ("postgresql" or "sqlite")."""
    return _COMMON | (_POSTGRESQL if backend == "postgresql" else _SQLITE)
