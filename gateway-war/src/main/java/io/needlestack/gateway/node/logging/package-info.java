/**
 * A running node's log levels, changed on the operator's request without a restart (LeoFS's
 * {@code update-log-level}): the manager relays {@code needlestack-adm update-log-level NODE LEVEL
 * [--logger NAME]} to the node's internal plane, and
 * {@link io.needlestack.gateway.node.logging.LogLevelResource} sets the level of that
 * {@code java.util.logging} logger (default {@code io.needlestack}: every logger of the project,
 * in the gateway, the manager and the store alike, since the logger tree is the JVM's) and lowers
 * the handlers its records reach as far as needed. The change lasts until the node restarts.
 *
 * <h2>Requests (internal plane, signed like every {@code /_internal} request)</h2>
 * <pre>
 * GET  /_internal/v1/log-level[?logger=NAME]            -> 200 state
 * POST /_internal/v1/log-level?level=LEVEL[&logger=NAME] -> 200 state with "previousLevel"
 *
 * state: {"node","logger","level","effectiveLevel"[,"previousLevel"],
 *         "handlers":[{"handler","level"}]}
 * </pre>
 * {@code LEVEL} is SEVERE, WARNING, INFO, CONFIG, FINE, FINER, FINEST, OFF or ALL, or error
 * (SEVERE), warn (WARNING), info, debug (FINE), trace (FINEST), in any case. {@code level} is the
 * logger's own level (null when it inherits), {@code effectiveLevel} the level it logs at,
 * {@code handlers} the handlers its records reach (class name and level).
 *
 * <p>Failures answer {@code {"code","message"}}: 400 {@code InvalidLogLevel} (an unknown or absent
 * level), 400 {@code InvalidLoggerName} (not dot-separated names of letters, digits, {@code _},
 * {@code $}, {@code -}; the root logger cannot be named).
 */
package io.needlestack.gateway.node.logging;
