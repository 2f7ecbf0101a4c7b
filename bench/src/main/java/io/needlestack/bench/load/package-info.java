/** The load itself: S3 clients, the key pool and the timed phases run by worker threads. */
package io.needlestack.bench.load;
