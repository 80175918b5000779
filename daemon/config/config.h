/* SPDX-License-Identifier: MIT */
/*
 * sakerd's configuration: the main YAML file, drop-ins merged in name order
 * and "-o key.sub=value" overrides, checked against one schema table (key,
 * type, default, description) that also produces the reference section of
 * docs/configuration.md and the `--dry-run` dump.  Keys follow falco.yaml
 * where the concept is the same.  No logging: errors are collected with
 * their file, line and column.
 */
#ifndef SAKER_CONFIG_H
#define SAKER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "common/macro.h"

#define CONFIG_MAX_FILE_BYTES (1u << 20) /* one config file or drop-in */
#define CONFIG_MAX_DROPINS 256		 /* files read from the drop-in directory */
#define CONFIG_MAX_LIST 1024		 /* items of one list value */
#define CONFIG_MAX_ERRORS 100		 /* errors kept (more are counted) */
#define CONFIG_DEFAULT_PATH SAKER_SYSCONFDIR "/saker.yaml"
#define CONFIG_DEFAULT_DROPIN_DIR SAKER_SYSCONFDIR "/config.d"

typedef struct StrList {
	char **v;
	size_t n;
} StrList;

typedef struct Config {
	StrList rules_files;
	char *priority;	     /* minimum rule priority loaded */
	char *rule_matching; /* "first" | "all" */
	bool json_output;
	bool json_include_output_property;
	bool json_include_tags_property;
	bool buffered_outputs;
	uint64_t stats_interval_ms; /* 0: off */

	bool stdout_enabled;
	bool file_enabled;
	char *file_filename;
	bool file_keep_alive;
	bool syslog_enabled;
	char *syslog_format; /* "rfc3164" | "rfc5424" */
	char *syslog_destination;
	char *syslog_facility;
	char *syslog_app_name;
	bool program_enabled;
	char *program_program;
	bool program_keep_alive;
	bool journald_enabled;
	char *journald_facility;
	bool rsyslog_enabled;
	char *rsyslog_socket;

	StrList drops_actions; /* "ignore" | "log" | "alert" | "exit" */
	double drops_rate;
	int64_t drops_max_burst;
	bool metrics_enabled;
	uint64_t metrics_interval_ms;
	double outputs_rate; /* alerts per second per rule; 0: unlimited */
	int64_t outputs_max_burst;
	int64_t outputs_queue_capacity;
	bool dns_enabled;
	char *dns_server;
	uint64_t dns_min_ttl_ms;
	uint64_t dns_max_ttl_ms;
	char *control_socket;

	int64_t driver_buffer_size_kb;
	int64_t driver_snaplen;
	int64_t state_max_threads;
	uint64_t state_sweep_interval_ms;
} Config;

typedef enum ConfigType {
	CONFIG_BOOL,
	CONFIG_INT,
	CONFIG_DOUBLE,
	CONFIG_STRING,
	CONFIG_ENUM,	  /* one of values */
	CONFIG_LIST,	  /* list of strings (a single string is a one-item list) */
	CONFIG_ENUM_LIST, /* list of values */
	CONFIG_DURATION,  /* "500ms", "30s", "5m", "1h", "1d"; a bare number is seconds */
	_CONFIG_TYPE_MAX,
} ConfigType;

typedef struct ConfigKey {
	const char *key; /* dotted path */
	ConfigType type;
	size_t offset;	    /* in Config */
	const char *def;    /* default, as YAML text */
	const char *values; /* CONFIG_ENUM*: "a|b|c" */
	long long min, max; /* CONFIG_INT / CONFIG_DOUBLE range */
	const char *desc;   /* one line */
} ConfigKey;

extern const ConfigKey config_schema[];
extern const size_t config_schema_len;

typedef struct ConfigError {
	char *file; /* "-o" for overrides */
	unsigned line, col; /* 1-based; 0 when unknown */
	char *msg;
} ConfigError;

typedef struct ConfigErrors {
	ConfigError *v;
	size_t n;
	size_t dropped;
} ConfigErrors;

void config_errors_done(ConfigErrors *e);
/* "FILE:LINE:COL: error: MESSAGE" lines. */
void config_errors_print(const ConfigErrors *e, FILE *f);

/* A Config holding every default. */
int config_new(Config **ret);
Config *config_free(Config *c);
DEFINE_TRIVIAL_CLEANUP_FUNC(Config *, config_free);

/*
 * Load main_path (NULL: defaults only; a missing file is an error), then
 * every "*.yaml" in dropin_dir (NULL or missing: none) in name order, then
 * the n "key.sub=value" overrides (values are YAML: "true", "[a, b]").
 * Later scalars replace earlier ones, maps merge, lists replace.  Unknown
 * keys and wrong types are reported in errors (with a suggestion for
 * misspelt keys); any error makes the call fail with -EINVAL and no Config.
 * errors may be NULL.
 */
int config_load(const char *main_path, const char *dropin_dir, char **overrides, size_t n,
		Config **ret, ConfigErrors *errors);

/* The schema entry for a dotted key, or NULL. */
const ConfigKey *config_find_key(const char *key);
/* Print the effective configuration as YAML (with each key's description). */
int config_dump(const Config *c, FILE *f);
/* The reference table of docs/configuration.md, generated from the schema. */
int config_schema_markdown(FILE *f);

#endif /* SAKER_CONFIG_H */
