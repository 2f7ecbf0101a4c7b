/**
 * The manager's side of anti-entropy: it reaches nodes' internal planes for {@code whereis},
 * {@code recover-file} and {@code recover-node} ({@link io.needlestack.manager.recovery.NodePlane},
 * which the admin API's compaction requests use too),
 * reads the recovery states nodes publish ({@link io.needlestack.manager.recovery.RecoveryStates}),
 * and accepts a restarted node's new process once it has recovered
 * ({@link io.needlestack.manager.recovery.RestartedNodes}), so it returns to {@code running}.
 */
package io.needlestack.manager.recovery;
