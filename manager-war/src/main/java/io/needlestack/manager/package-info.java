/**
 * The manager application ({@code /_admin}): users, access keys and buckets in a database, the
 * admin JSON API for operators and the internal API for gateways.
 */
package io.needlestack.manager;
