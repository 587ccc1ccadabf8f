/**
 * A result's `curl` carries a token signed by the run's issuer and, for a target the run
 * started, that target's ephemeral port: both are gone once the run ends. Every report that
 * shows replays says so with this line, and how to get a live setup back.
 */
export const REPLAY_NOTE =
  "replays use this run's token and, for a target it started, its port: both are gone after the run. To replay, run your backend against `authconform issuer --port <port>` (the fixed port runs get with --issuer-port) and re-mint the token there."

/** A 1 MB token makes a 1 MB command: this much of it is shown; the JSON report keeps all of it. */
export const VISIBLE_CURL_CHARS = 4000
