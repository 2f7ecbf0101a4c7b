/**
 * The manager's database: where it is ({@link io.needlestack.manager.db.NodeDataSource}) and its
 * schema, created and versioned at start-up with portable SQL (H2 by default, PostgreSQL for
 * fail-over).
 */
package io.needlestack.manager.db;
