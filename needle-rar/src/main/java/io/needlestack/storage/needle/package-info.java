/**
 * The on-disk needle format: the container superblock, the needle header, body and footer, and the
 * small binary codec of needle metadata. Everything about byte layout lives in
 * {@link io.needlestack.storage.needle.NeedleFormat}, so that a scanner, a writer and a test all
 * agree on one table.
 */
package io.needlestack.storage.needle;
