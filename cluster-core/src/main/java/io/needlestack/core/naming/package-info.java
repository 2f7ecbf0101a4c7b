/** S3's rules for bucket names and object keys, shared by gateway and manager. */
package io.needlestack.core.naming;
