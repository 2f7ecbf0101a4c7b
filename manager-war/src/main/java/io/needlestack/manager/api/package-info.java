/**
 * The admin JSON API under {@code /_admin/api/}, for operators and the admin CLI: HTTP Basic
 * with an admin user's access key and secret key; errors are {@code {"code","message"}} with
 * stable codes.
 */
package io.needlestack.manager.api;
