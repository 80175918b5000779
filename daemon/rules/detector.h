/* SPDX-License-Identifier: MIT */
/*
 * The detection pipeline after decoding, shared by sakerd and the tool:
 * apply an event to the state, run the engine's rules for it, render each
 * match into an Alert, then finish the state update.  Pure: no I/O; alerts
 * go to a callback.
 */
#ifndef SAKER_DETECTOR_H
#define SAKER_DETECTOR_H

#include <stdint.h>

#include "event/decode.h"
#include "output/alert.h"
#include "rules/engine.h"
#include "state/state.h"

/* Most rules reported for one event in rule_matching: all mode. */
#define DETECTOR_MAX_MATCHES 64

typedef struct Detector Detector;

/* Called for each alert; the Alert and its strings live until the callback returns. */
typedef void (*detector_alert_fn)(const Alert *a, void *userdata);

/* engine and state stay owned by the caller and must outlive the detector. */
int detector_new(Engine *engine, State *state, const char *hostname, Detector **ret);
Detector *detector_free(Detector *d);
DEFINE_TRIVIAL_CLEANUP_FUNC(Detector *, detector_free);
/* Swap the ruleset (reload): later events use engine. */
void detector_set_engine(Detector *d, Engine *engine);
void detector_set_boot_time(Detector *d, uint64_t boot_to_realtime_ns);
/* The host name later alerts and evt.hostname carry (a capture's, on replay). */
int detector_set_hostname(Detector *d, const char *hostname);
/*
 * Process one decoded event.  Returns the number of alerts raised, or a
 * negative errno (-ENOMEM from the state; the event is then only partly
 * applied).
 */
int detector_process(Detector *d, const SkEvent *e, detector_alert_fn fn, void *userdata);
uint64_t detector_events(const Detector *d);
uint64_t detector_alerts(const Detector *d);

#endif /* SAKER_DETECTOR_H */
