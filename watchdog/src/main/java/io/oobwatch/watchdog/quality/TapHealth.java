package io.oobwatch.watchdog.quality;

import java.time.Instant;

/**
 * What a tap knows of itself.
 *
 * @param polledAt its latest poll; null before the first
 * @param lag records between its position and the end of the stream; -1 when unknown
 * @param newest when the newest record it read was logged; null before one
 * @param problem why the stream cannot be read now; null when it can
 * @param problemSince since when it cannot; null when it can
 * @param records records read since start
 * @param rebuilt how the start went ("rebuilt from 2026-11-30T09:15:00Z", or why it could not)
 */
public record TapHealth(Instant polledAt, long lag, Instant newest, String problem, Instant problemSince, long records,
    String rebuilt) {}
