/**
 * The RocksDB index of the needle store: one entry per stored needle version, keyed so that the
 * versions of a key sort newest first and names sort in UTF-8 byte order (S3 listing order), plus
 * one checkpoint per container (how far the container has been indexed), written in the same
 * atomic batch as the entries. The index can always be rebuilt from the containers.
 */
package io.needlestack.storage.index;
