/**
 * The Jakarta Connectors 2.1 resource adapter of the needle store: the
 * {@link io.needlestack.storage.adapter.NeedleResourceAdapter} opens the engine in {@code start} and
 * closes it in {@code stop}; the managed connection factory, managed connections and connection
 * handles give applications {@link io.needlestack.storage.store.NeedleConnection}s onto that one
 * shared engine (no transactions). Annotation-only: no {@code ra.xml} is needed.
 */
package io.needlestack.storage.adapter;
