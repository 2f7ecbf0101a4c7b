/** The gateway role: the S3 API, the object layer over the storage EJBs, and the client of the manager. */
package io.needlestack.gateway;
