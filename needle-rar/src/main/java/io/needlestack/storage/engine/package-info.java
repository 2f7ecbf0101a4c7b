/**
 * The needle store engine of one storage node: it owns the containers of every data directory,
 * the index and the group-commit writers, recovers them at open, and implements the operations of
 * {@link io.needlestack.storage.store.NeedleConnection} that the adapter's connection handles
 * delegate to.
 */
package io.needlestack.storage.engine;
